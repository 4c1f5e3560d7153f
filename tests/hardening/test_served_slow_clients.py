"""Slow and idle clients against a real `notifier serve`: nobody holds a connection past its deadline.

Raw sockets, because an HTTP client library would not send half a request. Before the deadlines, uvicorn's
httptools protocol held a connection that sent nothing (or trickled its headers) for ever and accepted 8 MB of
headers; uvicorn itself only closes an idle kept-alive connection.
"""

import socket
import time

import pytest

from proof.harness import INTAKE_TOKEN, Server, base_env

HEADER_TIMEOUT = 1.5
BODY_TIMEOUT = 2.0
KEEP_ALIVE = 1
MAX_HEADER_BYTES = 8192
SLACK = 4.0  # two cores shared with other test runs: the bound is the deadline plus this


@pytest.fixture(scope="module", params=[1, 2], ids=["one-process", "two-workers"])
def server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("slow")
    env = base_env(
        f"sqlite:///{tmp}/notifier.db",
        tmp / "var",
        NOTIFIER_SCHEDULER_ENABLED="false",
        NOTIFIER_INTAKE_WRITER="thread",
        NOTIFIER_SERVE_HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT),
        NOTIFIER_SERVE_BODY_TIMEOUT_SECONDS=str(BODY_TIMEOUT),
        NOTIFIER_SERVE_KEEP_ALIVE_SECONDS=str(KEEP_ALIVE),
        NOTIFIER_SERVE_MAX_HEADER_BYTES=str(MAX_HEADER_BYTES),
    )
    args = ("--workers", str(request.param)) if request.param > 1 else ()
    server = Server(env, log_path=tmp / "serve.log", args=args).start()
    yield server
    server.stop()


def connect(server: Server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.settimeout(HEADER_TIMEOUT + BODY_TIMEOUT + SLACK + 5)
    return sock


def read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and the seconds that took."""
    start, received = time.monotonic(), b""
    while chunk := sock.recv(65536):
        received += chunk
    return received, time.monotonic() - start


def read_response(sock: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(server):
    with connect(server) as sock:
        answer, seconds = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in answer
    assert HEADER_TIMEOUT - 0.2 <= seconds <= HEADER_TIMEOUT + SLACK


def test_headers_trickled_a_byte_at_a_time_are_cut_off(server):
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        sock.settimeout(0.2)
        answer, start = b"", time.monotonic()
        # Each byte would reset a per-read timeout; the deadline counts from the start of the request.
        while time.monotonic() - start < HEADER_TIMEOUT + SLACK + 5:
            try:
                sock.sendall(b"X")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break  # closed under us
            if not chunk:
                break
            answer += chunk
        seconds = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert seconds <= HEADER_TIMEOUT + SLACK


def test_a_body_that_never_arrives_is_cut_off(server):
    with connect(server) as sock:
        sock.sendall(
            b"POST /api/v1/intake/generic HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {INTAKE_TOKEN}\r\nContent-Length: 1000\r\n\r\n".encode()
            + b'{"id": "slow-1",'
        )
        answer, seconds = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert BODY_TIMEOUT - 0.2 <= seconds <= BODY_TIMEOUT + SLACK


def test_an_idle_kept_alive_connection_is_closed_after_the_keep_alive_timeout(server):
    with connect(server) as sock:
        for _ in range(2):  # the connection is reused while the client is busy
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert read_response(sock).startswith(b"HTTP/1.1 200 OK")
        answer, seconds = read_until_closed(sock)
    assert answer == b""  # closed quietly: the client asked for nothing
    assert seconds <= KEEP_ALIVE + SLACK


def test_oversized_headers_are_refused_with_431(server):
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEADER_BYTES + 1) + b"\r\n\r\n")
        answer, _ = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")


def test_headers_under_the_limit_are_served(server):
    with connect(server) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEADER_BYTES - 200) + b"\r\n\r\n")
        assert read_response(sock).startswith(b"HTTP/1.1 200 OK")
