"""asyncio's own timing tools on the simulated loop: sleep, gather, wait_for."""
import asyncio


def now() -> str:
    return f"t={asyncio.get_running_loop().time() * 1e3:g} ms"


async def nap(name: str, seconds: float) -> str:
    await asyncio.sleep(seconds)
    print(f"{now()} {name} woke")
    return name


async def main() -> None:
    print(f"{now()} start")
    print(await asyncio.gather(nap("long", 0.003), nap("short", 0.001)))
    reader, writer = await asyncio.open_connection("localhost", 8010)
    try:
        await asyncio.wait_for(reader.readline(), timeout=0.002)
    except asyncio.TimeoutError:
        print(f"{now()} Bob said nothing for 2 ms")
    writer.write(b"bye\n")
    answer = (await reader.readline()).decode().strip()
    print(f"{now()} Bob answered {answer!r}")


if __name__ == "__main__":
    asyncio.run(main())
