#!/usr/bin/env python3
"""Server and client for each tcplens sample-capture scenario (stdlib only).

Usage: python3 scenarios.py SCENARIO

Every scenario talks only to 127.0.0.1 or ::1 (no-answer is meant to run
inside a throw-away network namespace; record.sh does that). Every socket has
a timeout and every thread is joined with a timeout, so nothing can hang.

Wire protocol (tiny, line based): the client sends "MODE <name> ...\n", the
server answers according to <name>:

  client-close  server sends RESPONSE, then reads until EOF, then close()
  server-close  server sends RESPONSE, then close() at once
  reset         server sends RESPONSE, waits for the client's second line to
                arrive (never reads it), sets SO_LINGER {1, 0}, close() -> RST
  half-close    server reads until EOF (client did shutdown(SHUT_WR)), then
                sends HALF_CHUNKS separate segments, then close()
"""

import os
import socket
import struct
import sys
import threading
import time

SOCK_TIMEOUT = 5.0      # every blocking socket call
JOIN_TIMEOUT = 10.0     # every thread join
MAX_RECV_CALLS = 100    # every recv loop

PORTS = {
    "client-close": 9001,
    "server-close": 9002,
    "refused": 9003,
    "reset": 9004,
    "half-close": 9005,
    "ipv6-client-close": 9006,
    "no-answer": 9007,
    "mixed": 9008,
}
NO_ANSWER_CLIENT_PORT = 30007   # fixed source port of the unanswered SYNs
                                # (outside ip_local_port_range 32768-60999)

RESPONSE = b"OK tcplens sample response\n"             # 27 bytes
MORE = b"MORE unread-by-server\n"                       # 22 bytes (reset)
HALF_CHUNKS = [b"A" * 100 + b"\n", b"B" * 100 + b"\n", b"C" * 100 + b"\n"]
HALF_GAP = 0.05         # seconds between half-close response segments

TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV",
              "04": "FIN_WAIT1", "05": "FIN_WAIT2", "06": "TIME_WAIT",
              "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK",
              "0A": "LISTEN", "0B": "CLOSING"}


_LOG_LOCK = threading.Lock()


def log(msg):
    with _LOG_LOCK:
        print(f"  [{time.monotonic():9.3f}] {msg}", flush=True)


def request(mode):
    return f"MODE {mode}\n".encode()


def recv_line(sock):
    buf = b""
    for _ in range(MAX_RECV_CALLS):
        if b"\n" in buf:
            break
        chunk = sock.recv(1)        # byte-wise: never consume past the line
        if not chunk:
            break
        buf += chunk
    return buf


def recv_exact(sock, n):
    buf = b""
    for _ in range(MAX_RECV_CALLS):
        if len(buf) >= n:
            break
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise RuntimeError(f"EOF after {len(buf)} of {n} bytes")
        buf += chunk
    if len(buf) != n:
        raise RuntimeError(f"got {len(buf)} of {n} bytes")
    return buf


def recv_until_eof(sock):
    buf = b""
    for _ in range(MAX_RECV_CALLS):
        chunk = sock.recv(4096)
        if not chunk:
            return buf
        buf += chunk
    raise RuntimeError("no EOF after %d recv calls" % MAX_RECV_CALLS)


def tcp_state(local, remote, family):
    """State of the socket local->remote from /proc/net/tcp{,6}, or None."""
    path = "/proc/net/tcp6" if family == socket.AF_INET6 else "/proc/net/tcp"
    lport, rport = local[1], remote[1]
    with open(path) as f:
        next(f)
        for line in f:
            fields = line.split()
            lp = int(fields[1].rsplit(":", 1)[1], 16)
            rp = int(fields[2].rsplit(":", 1)[1], 16)
            if lp == lport and rp == rport:
                return TCP_STATES.get(fields[3], fields[3])
    return None


# ---------------------------------------------------------------- server side

def serve_one(conn, peer, errors):
    try:
        conn.settimeout(SOCK_TIMEOUT)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        line = recv_line(conn)
        mode = line.split()[1].decode() if line.startswith(b"MODE ") else "?"
        log(f"server: accept() from port {peer[1]}, request {line!r}")
        if mode == "client-close":
            conn.sendall(RESPONSE)
            rest = recv_until_eof(conn)          # wait for the client's FIN
            log(f"server: EOF from client ({len(rest)} extra bytes), close()")
            conn.close()
        elif mode == "server-close":
            conn.sendall(RESPONSE)
            log("server: sent response, close() first")
            conn.close()
        elif mode == "reset":
            conn.sendall(RESPONSE)
            time.sleep(0.3)                       # client's MORE line arrives
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
            log("server: SO_LINGER {1,0} with unread data, close() -> RST")
            conn.close()
        elif mode == "half-close":
            rest = recv_until_eof(conn)          # client did shutdown(SHUT_WR)
            log(f"server: EOF after request (+{len(rest)} B), "
                f"sending {len(HALF_CHUNKS)} segments after client's FIN")
            for i, chunk in enumerate(HALF_CHUNKS):
                if i:
                    time.sleep(HALF_GAP)
                conn.sendall(chunk)
            log("server: close()")
            conn.close()
        else:
            raise RuntimeError(f"unknown mode in {line!r}")
    except Exception as e:  # noqa: BLE001 - report every failure
        errors.append(f"server({peer[1]}): {e!r}")
        conn.close()


def start_server(family, host, port, n_conns, errors, backlog=8):
    lsock = socket.socket(family, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.settimeout(SOCK_TIMEOUT)
    lsock.bind((host, port))
    lsock.listen(backlog)

    def run():
        handlers = []
        try:
            for _ in range(n_conns):
                conn, peer = lsock.accept()
                t = threading.Thread(target=serve_one,
                                     args=(conn, peer, errors), daemon=True)
                t.start()
                handlers.append(t)
        except Exception as e:  # noqa: BLE001
            errors.append(f"server accept: {e!r}")
        finally:
            lsock.close()
        for t in handlers:
            t.join(JOIN_TIMEOUT)
            if t.is_alive():
                errors.append("server handler did not finish")

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


# ---------------------------------------------------------------- client side

def client(mode, family, host, port, errors, barrier=None, result=None):
    try:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(SOCK_TIMEOUT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if barrier is not None:
            barrier.wait(SOCK_TIMEOUT)
        s.connect((host, port))
        local, remote = s.getsockname(), s.getpeername()
        log(f"client: connect() from port {local[1]} ok, mode {mode}")
        s.sendall(request(mode))
        if mode == "client-close":
            recv_exact(s, len(RESPONSE))
            log("client: got response, close() first")
            s.close()
        elif mode == "server-close":
            data = recv_until_eof(s)
            log(f"client: got {len(data)} B then EOF, close()")
            s.close()
        elif mode == "reset":
            recv_exact(s, len(RESPONSE))
            s.sendall(MORE)                       # server will never read this
            try:
                s.recv(4096)
                raise RuntimeError("expected ECONNRESET, got data/EOF")
            except ConnectionResetError:
                log("client: recv() -> ECONNRESET (server sent RST)")
            s.close()
        elif mode == "half-close":
            s.shutdown(socket.SHUT_WR)
            log("client: shutdown(SHUT_WR) -> FIN")
            data = recv_until_eof(s)
            expect = b"".join(HALF_CHUNKS)
            if data != expect:
                raise RuntimeError(f"half-close got {len(data)} B")
            log(f"client: got {len(data)} B after own FIN, then EOF, close()")
            s.close()
        else:
            raise RuntimeError(f"unknown mode {mode}")
        time.sleep(0.2)     # let the last ACKs settle before looking at state
        if result is not None:
            result.append((mode, local, remote))
    except Exception as e:  # noqa: BLE001
        errors.append(f"client({mode}): {e!r}")


def report_time_wait(family, local, remote):
    c = tcp_state(local, remote, family)
    s = tcp_state(remote, local, family)
    log(f"state now: client side {c}, server side {s}")
    return c, s


# ---------------------------------------------------------------- scenarios

def run_simple(mode, family, host, port, expect_tw):
    errors, result = [], []
    srv = start_server(family, host, port, 1, errors)
    client(mode, family, host, port, errors, result=result)
    srv.join(JOIN_TIMEOUT)
    if srv.is_alive():
        errors.append("server thread did not finish")
    if result and expect_tw:
        _, local, remote = result[0]
        c, s = report_time_wait(family, local, remote)
        got = "client" if c == "TIME_WAIT" else "server" if s == "TIME_WAIT" else None
        if got != expect_tw:
            errors.append(f"expected {expect_tw} in TIME_WAIT, client={c} server={s}")
    return errors


def run_refused():
    port = PORTS["refused"]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(SOCK_TIMEOUT)
    try:
        s.connect(("127.0.0.1", port))
        return [f"connect() to port {port} succeeded: something listens there"]
    except ConnectionRefusedError:
        log(f"client: connect() to 127.0.0.1:{port} -> ECONNREFUSED")
        return []
    finally:
        s.close()


def run_no_answer():
    """Backlog-0 listener whose accept queue is full: the kernel drops SYNs.

    Meant to run inside a fresh network namespace (record.sh does it).
    Linux admits backlog+1 = 1 connection to the accept queue; the listener
    never accept()s, so the filler connection stays queued and every SYN of
    the probe connection (fixed source port) is silently dropped.
    """
    port = PORTS["no-answer"]
    host = "127.0.0.1"
    errors = []
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind((host, port))
    lsock.listen(0)
    filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    filler.settimeout(SOCK_TIMEOUT)
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        filler.connect((host, port))
        log(f"filler: connected from port {filler.getsockname()[1]}, "
            "sits in the accept queue (never accepted)")
        time.sleep(0.3)
        probe.bind((host, NO_ANSWER_CLIENT_PORT))
        probe.settimeout(2.5)       # initial SYN + 1-2 retransmits (RTO 1 s)
        t0 = time.monotonic()
        try:
            probe.connect((host, port))
            errors.append("probe connect() unexpectedly succeeded")
        except (socket.timeout, TimeoutError):
            log(f"probe: connect() from port {NO_ANSWER_CLIENT_PORT} timed "
                f"out after {time.monotonic() - t0:.1f} s (no SYN-ACK)")
    except Exception as e:  # noqa: BLE001
        errors.append(f"no-answer: {e!r}")
    finally:
        probe.close()
        filler.close()
        lsock.close()
    return errors


MIXED_MODES = ["client-close", "server-close", "half-close", "reset",
               "client-close", "server-close"]


def run_mixed():
    port = PORTS["mixed"]
    errors, result = [], []
    srv = start_server(socket.AF_INET, "127.0.0.1", port, len(MIXED_MODES),
                       errors)
    barrier = threading.Barrier(len(MIXED_MODES))
    clients = [threading.Thread(target=client, daemon=True,
                                args=(m, socket.AF_INET, "127.0.0.1", port,
                                      errors, barrier, result))
               for m in MIXED_MODES]
    for t in clients:
        t.start()
    for t in clients:
        t.join(JOIN_TIMEOUT)
        if t.is_alive():
            errors.append("mixed client thread did not finish")
    srv.join(JOIN_TIMEOUT)
    if srv.is_alive():
        errors.append("server thread did not finish")
    for mode, local, remote in sorted(result, key=lambda r: r[1][1]):
        log(f"mixed: client port {local[1]} = {mode}")
    return errors


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in PORTS:
        print(__doc__)
        print("scenarios:", " ".join(PORTS))
        return 2
    name = sys.argv[1]
    print(f"scenario {name} (port {PORTS[name]}, pid {os.getpid()})", flush=True)
    v4, v6 = (socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")
    if name == "client-close":
        errors = run_simple("client-close", *v4, PORTS[name], "client")
    elif name == "server-close":
        errors = run_simple("server-close", *v4, PORTS[name], "server")
    elif name == "reset":
        errors = run_simple("reset", *v4, PORTS[name], None)
    elif name == "half-close":
        errors = run_simple("half-close", *v4, PORTS[name], "client")
    elif name == "ipv6-client-close":
        errors = run_simple("client-close", *v6, PORTS[name], "client")
    elif name == "refused":
        errors = run_refused()
    elif name == "no-answer":
        errors = run_no_answer()
    else:
        errors = run_mixed()
    for e in errors:
        print(f"ERROR: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
