"""The gateway's upstream client: keep-alive reuse, an idle connection the upstream closed, chunked
streams, and the errors the proxy maps to 502/504."""

from __future__ import annotations

import asyncio

import pytest

from distillguard.gateway.upstream import UpstreamClient, UpstreamError, UpstreamTimeout


async def _server(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(int(l.split(b":", 1)[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:"))
    return head, await reader.readexactly(length)


def test_keep_alive_reuse_and_a_connection_closed_while_idle():
    async def main():
        served = []

        async def one_then_close(reader, writer):  # answers one request per connection, then hangs up
            head, body = await _read_request(reader)
            served.append((head, body))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.close()

        server, port = await _server(one_then_close)
        client = UpstreamClient(f"http://127.0.0.1:{port}/v1", timeout_s=5)
        for n in range(3):
            response = await client.post("chat/completions", b'{"n": %d}' % n, {"Authorization": "Bearer k"})
            assert response.status_code == 200 and await response.aread() == b"{}"
            await asyncio.sleep(0.1)  # the upstream closes the kept-alive connection meanwhile
        await client.aclose()
        server.close()
        assert [body for _, body in served] == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']  # each sent once
        assert served[0][0].startswith(b"POST /v1/chat/completions HTTP/1.1\r\n") and b"Authorization: Bearer k" in served[0][0]

    asyncio.run(main())


def test_a_kept_alive_connection_is_reused_for_every_request():
    async def main():
        connections = []

        async def keep_alive(reader, writer):  # answers every request on the connection it came on
            connections.append(writer)
            try:
                while True:
                    await _read_request(reader)
                    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}")
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()

        server, port = await _server(keep_alive)
        client = UpstreamClient(f"http://127.0.0.1:{port}/v1", timeout_s=5)
        for n in range(5):
            response = await client.post("chat/completions", b"{}", {})
            assert await response.aread() == b"{}"
        await client.aclose()
        server.close()
        assert client.connections_opened == 1 and len(connections) == 1

    asyncio.run(main())


def test_chunked_stream_arrives_chunk_by_chunk():
    async def main():
        async def chunked(reader, writer):
            await _read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            for part in (b"data: 1\n\n", b"data: 2\n\n"):
                writer.write(b"%x\r\n%s\r\n" % (len(part), part))
                await writer.drain()
                await asyncio.sleep(0.05)
            writer.write(b"0\r\n\r\n")
            await writer.drain()

        server, port = await _server(chunked)
        client = UpstreamClient(f"http://127.0.0.1:{port}", timeout_s=5)
        response = await client.post("/x", b"{}", {})
        assert response.headers["content-type"] == "text/event-stream"
        assert b"".join([chunk async for chunk in response.aiter_raw()]) == b"data: 1\n\ndata: 2\n\n"
        await client.aclose()
        server.close()

    asyncio.run(main())


def test_down_slow_and_broken_upstreams_raise_what_the_proxy_maps():
    async def main():
        async def silent(reader, writer):  # reads the request, never answers, until the client hangs up
            await reader.read()
            writer.close()

        async def cut(reader, writer):
            await _read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")
            await writer.drain()
            writer.close()

        slow, slow_port = await _server(silent)
        broken, broken_port = await _server(cut)
        with pytest.raises(UpstreamTimeout) as timeout:
            await UpstreamClient(f"http://127.0.0.1:{slow_port}", timeout_s=0.2).post("/x", b"{}", {})
        assert not timeout.value.connect
        response = await UpstreamClient(f"http://127.0.0.1:{broken_port}", timeout_s=2).post("/x", b"{}", {})
        with pytest.raises(UpstreamError):
            await response.aread()
        slow.close()
        broken.close()
        with pytest.raises(UpstreamError):  # nothing listens there any more
            await UpstreamClient(f"http://127.0.0.1:{slow_port}", timeout_s=1).post("/x", b"{}", {})

    asyncio.run(main())
