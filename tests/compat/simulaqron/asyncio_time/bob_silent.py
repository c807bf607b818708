"""Says nothing until spoken to, then answers once."""
import asyncio


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    line = await reader.readline()
    writer.write(b"you said " + line)


async def main() -> None:
    server = await asyncio.start_server(handle, "localhost", 8010)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
