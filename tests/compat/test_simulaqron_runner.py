"""``netqsim simulaqron``: SimulaQron-style script folders run unchanged, in simulated time.

The script folders under tests/compat/simulaqron/ are written for these tests
in the style of SimulaQron's new-SDK and event-based examples.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

from netqsim.cli import main
from netqsim.compat.simulaqron_runner import NodeAssignmentError, ScriptNotFound, run_simulaqron
from netqsim.kernel import DeadlockError

FOLDERS = Path(__file__).parent / "simulaqron"
CONFIGS = Path(__file__).parents[2] / "configs"
EXAMPLES = Path(__file__).parents[2] / "examples" / "simulaqron"


def run(capsys: pytest.CaptureFixture[str], *paths: Path | str, **options: object):
    status = run_simulaqron([str(p) for p in paths], **options)  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def test_ping_pong_transcript_with_simulated_times(capsys: pytest.CaptureFixture[str]) -> None:
    # A 10 us classical link: Bob accepts 10 us after Alice connects, and each
    # round trip takes 20 us; Alice's EOF reaches Bob 10 us after her close.
    status, lines, err = run(capsys, FOLDERS / "pingpong",
                             config=CONFIGS / "perfect_two_nodes.yaml", seed=1)
    assert (status, err) == (0, "")
    assert lines == [
        "Alice: connecting to Bob",
        "Bob: serving",
        "t=10us Bob: Alice connected",
        "t=20us Alice got 'pong 1' in round 1",
        "t=40us Alice got 'pong 2' in round 2",
        "t=60us Alice got 'pong 3' in round 3",
        "t=80us Alice got 'refused hello'",
        "Alice: done",
        "t=90us Bob: Alice left",
        "Bob: server ended",
    ]


def test_ping_pong_without_config_has_instant_classical_links(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, _ = run(capsys, FOLDERS / "pingpong", seed=1)
    assert status == 0
    assert [line.split()[0] for line in lines if line.startswith("t=")] == ["t=0us"] * 6


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_epr_inside_handlers_gives_equal_bits(capsys: pytest.CaptureFixture[str],
                                             seed: int) -> None:
    status, lines, err = run(capsys, FOLDERS / "epr_handler", seed=seed)
    assert (status, err) == (0, "")
    alice, bob, verdict = lines
    assert re.fullmatch(r"Alice: my bit is [01]", alice)
    assert bob == alice.replace("Alice", "Bob")
    assert verdict == "Alice: Bob says equal"


def test_epr_bits_vary_with_the_seed_and_repeat_with_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    def transcript(seed: int) -> list[str]:
        return run(capsys, FOLDERS / "epr_handler", seed=seed)[1]

    bits = {seed: transcript(seed)[0][-1] for seed in range(10)}
    assert set(bits.values()) == {"0", "1"}  # all ten equal: probability 2^-9
    assert transcript(3) == transcript(3)


@pytest.mark.parametrize("seed", [1, 3])
def test_three_nodes_server_that_is_also_a_client(capsys: pytest.CaptureFixture[str],
                                                  seed: int) -> None:
    # Alice flushes create_keep before Bob issues recv_keep (SimulaQron's
    # semantics); Bob's handler connects to Charlie's server. GHZ: all equal.
    status, lines, err = run(capsys, FOLDERS / "ghz_chain", seed=seed)
    assert (status, err) == (0, "")
    outcomes = {line.split(":")[0]: line.split()[-1] for line in lines}
    assert sorted(outcomes) == ["Alice", "Bob", "Charlie"]
    assert len(set(outcomes.values())) == 1


def test_a_server_that_never_returns_ends_when_its_clients_have(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, err = run(capsys, FOLDERS / "serve_forever", seed=0)
    assert (status, err) == (0, "")
    assert lines == ["Bob: listening", "Alice: HELLO", "Alice: AGAIN", "Alice: done at t=0.5 s"]


def test_the_process_is_left_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    cwd, path, policy = os.getcwd(), sys.path[:], asyncio.get_event_loop_policy()
    env = os.environ.get("NETQASM_SIMULATOR")
    run(capsys, FOLDERS / "epr_handler", seed=1)
    assert (os.getcwd(), sys.path, asyncio.get_event_loop_policy()) == (cwd, path, policy)
    assert os.environ.get("NETQASM_SIMULATOR") == env
    assert not [m for m in sys.modules if m.split(".")[0] == "simulaqron"]
    assert "netqsim compat" not in str(getattr(sys.modules.get("netqasm.sdk.external"),
                                               "__doc__", ""))


def test_each_script_keeps_its_own_argv_and_main_module(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Alice finishes first although she started first: each script must still see its
    # own sys.argv and __main__ when it resumes, and the process's come back after.
    for name, wait in (("alice", 1), ("bob", 2)):
        (tmp_path / f"{name}.py").write_text(
            "import asyncio, sys\n"
            "if __name__ == '__main__':\n"
            f"    asyncio.run(asyncio.sleep({wait}))\n"
            f"    print('{name}', sys.argv[0].rsplit('/', 1)[1],\n"
            "          sys.modules['__main__'].__file__.rsplit('/', 1)[1])\n")
    main_module, argv = sys.modules["__main__"], sys.argv[:]
    status, lines, err = run(capsys, tmp_path, seed=1)
    assert status == 0, err
    assert lines == ["alice alice.py alice.py", "bob bob.py bob.py"]
    assert (sys.modules["__main__"], sys.argv) == (main_module, argv)


def test_cli_runs_a_folder_and_a_list_of_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulaqron", str(FOLDERS / "serve_forever")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Alice: done at t=0.5 s"
    folder = FOLDERS / "pingpong"
    assert main(["simulaqron", str(folder / "bob_server.py"), str(folder / "alice_client.py"),
                 "--config", str(CONFIGS / "perfect_two_nodes.yaml"), "--seed", "2"]) == 0
    assert "t=80us Alice got 'refused hello'" in capsys.readouterr().out.splitlines()


# ----------------------------------------------------------------------------- errors


def write(folder: Path, name: str, code: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(code))
    return path


def test_an_unprovided_module_is_named(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        from simulaqron.run.run import run_applications
        if __name__ == "__main__":
            pass
    """)
    status, _, err = run(capsys, tmp_path)
    assert status == 1
    assert ("ModuleNotFoundError: No module named 'simulaqron.run': the netqsim "
            "compatibility layer does not provide it") in err
    assert 'alice.py", line 2' in err


def test_an_unprovided_attribute_is_named(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "bob.py", """
        from netqasm.sdk.external import simulate_application
        if __name__ == "__main__":
            pass
    """)
    status, _, err = run(capsys, tmp_path)
    assert status == 1
    assert ("ImportError: cannot import name 'simulate_application' from "
            "'netqasm.sdk.external': the netqsim compatibility layer does not provide it (it "
            "provides: BroadcastChannel, NetQASMConnection, Socket, get_qubit_state)") in err


def test_a_deadlock_names_each_script_and_what_it_waits_for(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        import asyncio
        async def main():
            reader, writer = await asyncio.open_connection("localhost", 8010)
            await reader.readline()  # Bob waits too: nobody writes
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    write(tmp_path, "bob.py", """
        import asyncio
        async def handle(reader, writer):
            await reader.readline()
        async def main():
            server = await asyncio.start_server(handle, "localhost", 8010)
            await server.serve_forever()
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    with pytest.raises(DeadlockError) as caught:
        run_simulaqron([tmp_path])
    report = str(caught.value)
    assert capsys.readouterr() == ("", "")  # the scripts' loops end quietly
    assert "2 process(es) still wait" in report
    assert ("process 'alice.py (Alice)' waits on bytes from Bob on stream Alice->Bob #0 "
            "(asyncio loop of alice.py, node 'Alice')") in report
    assert ("process 'bob.py (Bob)' waits on a client to connect to localhost:8010 or bytes "
            "from Alice on stream Alice->Bob #0 (asyncio loop of bob.py, node 'Bob')") in report
    # and the line of each script's waiting task
    assert "alice.py (node 'Alice'): task main() waits in alice.py line 5 (main)" in report
    assert "bob.py (node 'Bob'): task handle() waits in bob.py line 4 (handle)" in report


def test_cli_reports_a_deadlock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each connects to the other and reads; neither listens.
    for name, port in (("alice.py", 8010), ("bob.py", 8001)):
        write(tmp_path, name, f"""
            import asyncio
            async def main():
                reader, writer = await asyncio.open_connection("localhost", {port})
                await reader.read()
            if __name__ == "__main__":
                asyncio.run(main())
        """)
    assert main(["simulaqron", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("netqsim: error: every script waits and nothing can happen")
    assert "process 'alice.py (Alice)' waits on bytes from Bob" in err


def test_missing_scripts_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ScriptNotFound, match=r"script .*nothere\.py does not exist"):
        run_simulaqron([tmp_path / "nothere.py"])
    with pytest.raises(ScriptNotFound, match="has no SimulaQron script"):
        run_simulaqron([tmp_path])


def test_scripts_are_assigned_nodes_by_name_or_by_option(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    code = """
        from netqasm.sdk.external import NetQASMConnection
        if __name__ == "__main__":
            with NetQASMConnection("Charlie") as conn:
                print(f"running as {conn.node_name}")
    """
    script = write(tmp_path, "node_one.py", code)
    with pytest.raises(NodeAssignmentError, match=(
            r"cannot tell which node node_one\.py runs as: its name contains none of the "
            r"nodes' names \(nodes: Alice, Bob, Charlie, David, Eve\); name the file after its "
            r"node or pass --node node_one\.py=NODE")):
        run_simulaqron([script])
    assert run(capsys, script, nodes={str(script): "Charlie"})[:2] == (0, ["running as Charlie"])
    with pytest.raises(NodeAssignmentError, match="does not have"):
        run_simulaqron([script], nodes={str(script): "Zed"})
    two = [write(tmp_path, "bob_a.py", code), write(tmp_path, "bob_b.py", code)]
    with pytest.raises(NodeAssignmentError, match="would both run as node 'Bob'"):
        run_simulaqron(two)


def test_a_connection_for_another_node_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        from netqasm.sdk.external import NetQASMConnection
        if __name__ == "__main__":
            NetQASMConnection("Bob")
    """)
    status, _, err = run(capsys, tmp_path)
    assert status == 1
    assert ("ValueError: alice.py runs as node 'Alice' and cannot open a NetQASMConnection for "
            "node 'Bob'") in err


def test_connecting_to_an_address_no_node_has_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        import asyncio
        if __name__ == "__main__":
            asyncio.run(asyncio.open_connection("localhost", 9999))
    """)
    status, _, err = run(capsys, tmp_path)
    assert status == 1
    assert ("ConnectionRefusedError: [Errno 111] no node of the SimulaQron network has its "
            "application socket at localhost:9999 (nodes: Alice at localhost:8001") in err


def test_connecting_to_a_node_without_a_script_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        import asyncio
        if __name__ == "__main__":
            asyncio.run(asyncio.open_connection("localhost", 8020))
    """)
    status, _, err = run(capsys, tmp_path)
    assert status == 1
    assert ("ConnectionRefusedError: [Errno 111] no script runs as node 'Charlie', so nothing "
            "listens on localhost:8020") in err


def test_a_script_may_listen_only_on_its_own_socket(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        import asyncio
        async def main():
            await asyncio.start_server(lambda r, w: None, "localhost", 8010)
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    status, _, err = run(capsys, tmp_path)
    assert status == 1
    assert ("alice.py runs node 'Alice', whose application socket is localhost:8001; it "
            "cannot listen on localhost:8010") in err


def test_exit_status_is_the_first_failing_scripts(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", 'if __name__ == "__main__":\n    raise SystemExit(3)\n')
    write(tmp_path, "bob.py", 'if __name__ == "__main__":\n    print("Bob ran")\n')
    assert run(capsys, tmp_path)[:2] == (3, ["Bob ran"])


# ----------------------------------------------------------------------------- noise


def test_noise_comes_from_the_config(capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # A depolarising link of fidelity F gives the Werner state; Z outcomes of
    # its halves differ with probability 2/3 (1 - F). n = 400 rounds, F = 0.8:
    # p = 0.1333, sigma = sqrt(p (1 - p) / n) = 0.0170; bound 5 sigma.
    n, fidelity = 400, 0.8
    monkeypatch.setenv("EPR_ROUNDS", str(n))
    folder = EXAMPLES / "epr_rounds"
    status, lines, _ = run(capsys, folder, config=folder / "depolarised.yaml", seed=11)
    assert status == 0
    differ = int(re.fullmatch(rf"Alice: (\d+) of {n} rounds differ", lines[0]).group(1))
    p = 2 / 3 * (1 - fidelity)
    sigma = (p * (1 - p) / n) ** 0.5
    assert abs(differ / n - p) < 5 * sigma


def test_the_default_network_is_perfect(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPR_ROUNDS", "50")
    assert run(capsys, EXAMPLES / "epr_rounds", seed=2)[:2] == (0, ["Alice: 0 of 50 rounds differ"])


def test_the_example_gives_the_output_its_readme_promises(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # README: no round differs on the perfect default network; with F = 0.8
    # about 2/3 (1 - F) do: n = 100, p = 0.1333, 5 sigma = 5 sqrt(p (1 - p) / n) = 0.17.
    monkeypatch.delenv("EPR_ROUNDS", raising=False)
    folder = EXAMPLES / "epr_rounds"
    readme = (EXAMPLES / "README.md").read_text()
    assert "`Alice: 0 of 100 rounds differ`" in readme
    assert run(capsys, folder)[1] == ["Alice: 0 of 100 rounds differ"]
    line = run(capsys, folder, config=folder / "depolarised.yaml", seed=7)[1][0]
    differ = int(re.fullmatch(r"Alice: (\d+) of 100 rounds differ", line).group(1))
    assert abs(differ / 100 - 2 / 3 * 0.2) < 5 * (2 / 15 * 13 / 15 / 100) ** 0.5


def test_a_blocking_flush_in_a_handler_blocks_only_its_own_script(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Bob's flush takes simulated time (2 x 10 us init, 3 x 100 us CNOT, 2 x 10 us
    # measure); meanwhile Alice's script runs and prints at t=60 us.
    write(tmp_path, "alice.py", """
        import asyncio
        async def main():
            reader, writer = await asyncio.open_connection("localhost", 8010)
            writer.write(b"go\\n")
            await asyncio.sleep(60e-6)
            print(f"Alice at t={asyncio.get_running_loop().time() * 1e6:g} us")
            print(f"Alice read {(await reader.readline()).decode().strip()}")
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    write(tmp_path, "bob.py", """
        import asyncio
        from netqasm.sdk import Qubit
        from netqasm.sdk.external import NetQASMConnection
        def now():
            return f"t={asyncio.get_running_loop().time() * 1e6:g} us"
        async def handle(reader, writer):
            await reader.readline()
            print(f"Bob flushes at {now()}")
            with NetQASMConnection("Bob", max_qubits=2) as conn:
                a, b = Qubit(conn), Qubit(conn)
                for _ in range(3):
                    a.cnot(b)
                a.measure(), b.measure()
                conn.flush()
            print(f"Bob's flush returned at {now()}")
            writer.write(b"done\\n")
        async def main():
            server = await asyncio.start_server(handle, "localhost", 8010)
            await server.serve_forever()
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    status, lines, err = run(capsys, tmp_path, config=CONFIGS / "perfect_two_nodes.yaml")
    assert (status, err) == (0, "")
    assert lines == ["Bob flushes at t=10 us", "Alice at t=60 us",
                     "Bob's flush returned at t=350 us", "Alice read done"]


def test_simulaqron_sockets_block_only_their_script(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # SimulaQron's Socket (and netqasm.sdk.external's under SimulaQron): a blocking
    # recv() waits in simulated time for the message, one 10 us link delay away.
    write(tmp_path, "alice.py", """
        from simulaqron.sdk.socket import Socket
        if __name__ == "__main__":
            socket = Socket("Alice", "Bob")
            socket.send("hello Bob")
            print("Alice got", socket.recv())
    """)
    write(tmp_path, "bob.py", """
        import asyncio
        from netqasm.sdk.external import Socket
        if __name__ == "__main__":
            socket = Socket("Bob", "Alice")
            message = socket.recv()
            print(f"Bob got {message!r} at t={asyncio.new_event_loop().time() * 1e6:g} us")
            socket.send(message.upper())
    """)
    status, lines, err = run(capsys, tmp_path, config=CONFIGS / "perfect_two_nodes.yaml")
    assert (status, err) == (0, "")
    assert lines == ["Bob got 'hello Bob' at t=10 us", "Alice got HELLO BOB"]


def test_create_keep_returns_before_the_peer_receives(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # SimulaQron's semantics, only under this runner: Alice's create_keep flush
    # returns after the link's 1 us, while Bob issues recv_keep only at 1 ms;
    # his half waited for him. (netqsim.run would wait for Bob's receive.)
    write(tmp_path, "alice.py", """
        import asyncio
        from netqasm.sdk import EPRSocket
        from netqasm.sdk.external import NetQASMConnection
        if __name__ == "__main__":
            socket = EPRSocket("Bob")
            with NetQASMConnection("Alice", epr_sockets=[socket]) as conn:
                outcome = socket.create_keep()[0].measure()
                conn.flush()
                print(f"Alice {int(outcome)} at t={asyncio.new_event_loop().time() * 1e6:g} us")
    """)
    write(tmp_path, "bob.py", """
        import asyncio
        from netqasm.sdk import EPRSocket
        from netqasm.sdk.external import NetQASMConnection
        if __name__ == "__main__":
            asyncio.run(asyncio.sleep(1e-3))
            socket = EPRSocket("Alice")
            with NetQASMConnection("Bob", epr_sockets=[socket]) as conn:
                outcome = socket.recv_keep()[0].measure()
                conn.flush()
                print(f"Bob {int(outcome)} at t={asyncio.new_event_loop().time() * 1e6:g} us")
    """)
    for seed in (1, 5):
        status, lines, err = run(capsys, tmp_path, config=CONFIGS / "perfect_two_nodes.yaml",
                                 seed=seed)
        assert (status, err) == (0, "")
        alice, bob = (line.split() for line in lines)
        assert (alice[0], bob[0], alice[1]) == ("Alice", "Bob", bob[1])
        assert float(alice[3][2:]) < 1000 < float(bob[3][2:])


def test_cli_reports_a_bad_network_file(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "net.json"
    bad.write_text('[{"name": "default"}]')
    assert main(["simulaqron", str(FOLDERS / "pingpong"), "--network", str(bad)]) == 1
    assert capsys.readouterr().err == (
        f"netqsim: error: {bad}: network 0 needs 'name' and 'nodes'\n")


def test_each_script_runs_in_its_own_folder(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # The working directory follows whichever script runs, across blocking calls.
    code = """
        from pathlib import Path
        from netqasm.sdk.external import Socket
        if __name__ == "__main__":
            socket = Socket("{me}", "{peer}")
            before = Path("data.txt").read_text()
            socket.send(before)
            heard = socket.recv()
            print("{me}", before, Path("data.txt").read_text(), "heard", heard)
    """
    for me, peer in (("Alice", "Bob"), ("Bob", "Alice")):
        folder = tmp_path / me
        write(folder, f"{me.lower()}.py", code.format(me=me, peer=peer))
        (folder / "data.txt").write_text(f"{me}'s-data")
    status, lines, _ = run(capsys, tmp_path / "Bob" / "bob.py", tmp_path / "Alice" / "alice.py")
    assert status == 0
    assert sorted(lines) == ["Alice Alice's-data Alice's-data heard Bob's-data",
                             "Bob Bob's-data Bob's-data heard Alice's-data"]


def test_a_broadcast_channel_reaches_every_other_script(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "alice.py", """
        from simulaqron.sdk.broadcast_channel import BroadcastChannel
        if __name__ == "__main__":
            BroadcastChannel("Alice", ["Bob", "Charlie"], network_name="default").send("hi")
    """)
    for name in ("Bob", "Charlie"):
        write(tmp_path, f"{name.lower()}.py", f"""
            from netqasm.sdk.external import BroadcastChannel
            if __name__ == "__main__":
                print("{name} got", BroadcastChannel("{name}", ["Alice"]).recv())
        """)
    status, lines, err = run(capsys, tmp_path)
    assert (status, err) == (0, "")
    assert lines == ["Bob got ('Alice', 'hi')", "Charlie got ('Alice', 'hi')"]


def test_a_handler_that_raises_is_logged_and_fails_its_script(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "alice.py", """
        import asyncio
        async def main():
            reader, writer = await asyncio.open_connection("localhost", 8010)
            writer.write(b"boom\\n")
            print("Alice read", await reader.read())
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    write(tmp_path, "bob.py", """
        import asyncio
        async def handle(reader, writer):
            raise ValueError(f"cannot handle {(await reader.readline()).strip()}")
        async def main():
            server = await asyncio.start_server(handle, "localhost", 8010)
            await server.serve_forever()
        if __name__ == "__main__":
            asyncio.run(main())
    """)
    status, lines, _ = run(capsys, tmp_path)
    assert status == 1  # Bob's
    assert lines == ["Alice read b''"]  # asyncio closes the failed handler's connection
    # asyncio's own report (on stderr outside pytest, which captures logging)
    assert "Unhandled exception in client_connected_cb" in caplog.text
    assert "ValueError: cannot handle b'boom'" in caplog.text


def test_a_config_that_cannot_be_read_or_is_invalid_is_a_user_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = str(FOLDERS / "serve_forever")
    assert main(["simulaqron", folder, "--config", str(tmp_path / "missing.yaml")]) == 1
    assert capsys.readouterr().err == (
        f"netqsim: error: {tmp_path / 'missing.yaml'}: No such file or directory\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("stacks:\n  - name: Alice\n    qdevice_typ: nope\n")
    assert main(["simulaqron", folder, "--config", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"netqsim: error: invalid configuration in {bad} (1 problem):")
    assert "stacks[0] (Alice).qdevice_typ: unknown qdevice_typ 'nope'" in err
