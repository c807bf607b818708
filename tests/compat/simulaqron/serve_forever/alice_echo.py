"""Talks to the echo server with plain asyncio.open_connection, twice."""
import asyncio


async def talk(word: str) -> None:
    reader, writer = await asyncio.open_connection("localhost", 8010)
    writer.write(f"{word}\n".encode())
    print(f"Alice: {(await reader.readline()).decode().strip()}")
    writer.close()
    await writer.wait_closed()


async def main() -> None:
    await talk("hello")
    await asyncio.sleep(0.5)  # simulated seconds
    await talk("again")
    print(f"Alice: done at t={asyncio.get_running_loop().time():g} s")


if __name__ == "__main__":
    asyncio.run(main())
