"""SimulaQron's names served by netqsim: network files, SocketsConfig, per-script settings,
and asyncio's timing tools on the simulated loop."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from netqsim.compat.simulaqron.host_config import SocketsConfig, get_node_id_from_net_config
from netqsim.compat.simulaqron.networks import (
    NodeConfigType,
    SimulaqronConfig,
    default_networks,
    read_network_file,
)
from netqsim.compat.simulaqron_runner import run_simulaqron

FOLDERS = Path(__file__).parent / "simulaqron"
CONFIGS = Path(__file__).parents[2] / "configs"


def network_file(tmp_path: Path, content: object, name: str = "net.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return path


def node(name: str, port: int) -> dict[str, object]:
    return {name: {"app_socket": ["localhost", port], "qnodeos_socket": ["localhost", port + 1],
                   "vnode_socket": ["otherhost", port + 2]}}


def test_a_network_file_is_read_as_simulaqron_writes_it(tmp_path: Path) -> None:
    path = network_file(tmp_path, [{"name": "default", "nodes": [node("Alice", 8800),
                                                                  node("Bob", 8810)],
                                    "topology": {"Alice": ["Bob"], "Bob": ["Alice"]}}])
    networks = read_network_file(path)
    assert networks.network_names == ["default"]
    assert networks.get_node_names() == ["Alice", "Bob"]
    bob = networks.nodes[1]
    assert (bob.get_config("app"), bob.get_config(NodeConfigType.VNODE)) == (
        ("localhost", 8810), ("otherhost", 8812))
    apps = SocketsConfig(networks, "default", NodeConfigType.APP)
    assert {n: (h.hostname, h.port) for n, h in apps.hostDict.items()} == {
        "Alice": ("localhost", 8800), "Bob": ("localhost", 8810)}
    assert SocketsConfig(str(path), config_type="qnodeos").hostDict["Alice"].port == 8801
    assert get_node_id_from_net_config(apps, "Bob") == 1


@pytest.mark.parametrize(("content", "message"), [
    ({"name": "default"}, "a SimulaQron network file holds a list of networks"),
    ([{"nodes": []}], "network 0 needs 'name' and 'nodes'"),
    ([{"name": "default", "nodes": [{"Alice": {"app_socket": ["localhost", "80"]}}]}],
     r"network 0.nodes\[0\] \(Alice\).app_socket must be \[hostname, port\], got "
     r"\['localhost', '80'\]"),
    ([{"name": "default", "nodes": [{"Alice": {"app": ["localhost", 80]}}]}],
     r"unknown key\(s\) app \(allowed: app_socket, qnodeos_socket, vnode_socket\)"),
    ([{"name": "default", "nodes": [node("Alice", 1)], "topology": {"Alice": ["Zed"]}}],
     r"network 0.topology names unknown node\(s\) Zed"),
    ([{"name": "default", "nodes": [node("Alice", 1), node("Alice", 5)]}], "names a node twice"),
])
def test_a_bad_network_file_is_an_error_naming_the_entry(tmp_path: Path, content: object,
                                                         message: str) -> None:
    path = network_file(tmp_path, content)
    with pytest.raises(ValueError, match=f"^{path}: .*{message}"):
        read_network_file(path)


def test_missing_files_and_unknown_names_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=f"No such file {tmp_path / 'none.json'}"):
        read_network_file(tmp_path / "none.json")
    with pytest.raises(ValueError, match=r"other is not a network in this config \(networks: "
                                         r"default\)"):
        default_networks().get_nodes("other")
    with pytest.raises(ValueError, match="config type must be one of 'app', 'qnodeos', "
                                         "'vnode', got 'web'"):
        default_networks().nodes[0].get_config("web")


def test_settings_files_are_read_and_unknown_keys_named(tmp_path: Path) -> None:
    settings = SimulaqronConfig()
    assert settings.max_qubits == 20
    path = network_file(tmp_path, {"max_qubits": 7, "sim_backend": "qutip"}, "settings.json")
    settings.read_from_file(path)
    assert (settings.max_qubits, settings.sim_backend) == (7, "qutip")
    bad = network_file(tmp_path, {"max_qubit": 7}, "bad.json")
    with pytest.raises(ValueError, match=r"bad.json: unknown setting\(s\) max_qubit \(known: "):
        settings.read_from_file(bad)


def test_each_script_has_its_own_network_config(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    network_file(tmp_path, [{"name": "default", "nodes": [node("Alice", 9000),
                                                          node("Bob", 9010)]}],
                 "simulaqron_network.json")
    network_file(tmp_path, [{"name": "default", "nodes": [node("Alice", 7000),
                                                          node("Bob", 7010)]}], "mine.json")
    show = """
        from simulaqron.general.host_config import SocketsConfig
        from simulaqron.settings import network_config
        if __name__ == "__main__":
            {read}
            ports = SocketsConfig(network_config, "default", "app").hostDict
            print("{name}", sorted(h.port for h in ports.values()))
    """
    (tmp_path / "alice.py").write_text(textwrap.dedent(show.format(
        name="Alice", read='network_config.read_from_file("mine.json")')))
    (tmp_path / "bob.py").write_text(textwrap.dedent(show.format(name="Bob", read="pass")))
    assert run_simulaqron([tmp_path]) == 0
    assert capsys.readouterr().out.splitlines() == ["Alice [7000, 7010]", "Bob [9000, 9010]"]


def test_asyncio_sleep_gather_and_wait_for_run_in_simulated_time(
        capsys: pytest.CaptureFixture[str]) -> None:
    # gather of 3 ms and 1 ms naps takes 3 ms; wait_for gives up at exactly
    # 3 + 2 ms; the answer then takes two 10 us classical delays.
    status = run_simulaqron([FOLDERS / "asyncio_time"],
                            config=CONFIGS / "perfect_two_nodes.yaml")
    assert status == 0
    assert capsys.readouterr().out.splitlines() == [
        "t=0 ms start",
        "t=1 ms short woke",
        "t=3 ms long woke",
        "['long', 'short']",
        "t=5 ms Bob said nothing for 2 ms",
        "t=5.02 ms Bob answered 'you said bye'",
    ]


def test_missing_files_simulaqron_start_would_write_keep_the_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `simulaqron start` writes simulaqron_network.json / simulaqron_settings.json
    # for the scripts; here the run's network and default settings stand in.
    (tmp_path / "alice.py").write_text(textwrap.dedent("""
        from simulaqron.settings import network_config, simulaqron_settings
        if __name__ == "__main__":
            simulaqron_settings.read_from_file("simulaqron_settings.json")
            network_config.read_from_file("simulaqron_network.json")
            print(network_config.get_node_names(), simulaqron_settings.max_qubits)
            network_config.read_from_file("other.json")
    """))
    assert run_simulaqron([tmp_path]) == 1
    out, err = capsys.readouterr()
    assert out == "['Alice', 'Bob', 'Charlie', 'David', 'Eve'] 20\n"
    assert "NetworkFileError: No such file other.json" in err  # a ValueError, as in SimulaQron


def test_the_simulaqron_topology_decides_the_default_links(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network_file(tmp_path, [{"name": "default",
                             "nodes": [node("Alice", 9000), node("Bob", 9010),
                                       node("Charlie", 9020)],
                             "topology": {"Alice": ["Bob"], "Bob": ["Alice", "Charlie"],
                                          "Charlie": ["Bob"]}}], "simulaqron_network.json")
    (tmp_path / "alice.py").write_text(textwrap.dedent("""
        from netqasm.sdk import EPRSocket
        from netqasm.sdk.external import NetQASMConnection
        if __name__ == "__main__":
            NetQASMConnection("Alice", epr_sockets=[EPRSocket("Bob")]).close()
            print("Alice-Bob is linked")
            NetQASMConnection("Alice", epr_sockets=[EPRSocket("Charlie")])
    """))
    assert run_simulaqron([tmp_path]) == 1
    out, err = capsys.readouterr()
    assert out == "Alice-Bob is linked\n"
    assert ("ValueError: alice.py (node 'Alice') opens an EPR socket to 'Charlie', but the "
            "network has no entanglement link between them") in err


def test_the_batons_on_resume_runs_in_the_thread_after_each_call() -> None:
    # The runner restores each script's working directory with it.
    import threading

    from netqsim.compat.threads import Baton, call
    from netqsim.kernel import Simulator

    sim = Simulator(seed=0)
    seen: list[tuple[str, float]] = []

    def user(ns: float) -> None:
        for _ in range(2):
            call(sim.timeout(ns))

    resume = lambda: seen.append((threading.current_thread().name, sim.now))  # noqa: E731
    with Baton(sim, on_resume=resume) as baton:
        baton.spawn("a", user, 3.0)
        baton.spawn("b", user, 5.0)
        sim.run()
    assert seen == [("netqsim:a", 3.0), ("netqsim:b", 5.0), ("netqsim:a", 6.0),
                    ("netqsim:b", 10.0)]


def test_settings_network_config_is_the_object_whatever_the_import_order(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # SimulaQron's settings package has both a submodule and an object called
    # network_config; the object wins, also after importing the submodule.
    (tmp_path / "alice.py").write_text(textwrap.dedent("""
        from simulaqron.settings.network_config import NodeConfigType
        import simulaqron.settings
        from simulaqron.settings import network_config
        if __name__ == "__main__":
            print(network_config.get_node_names()[:2], NodeConfigType.APP,
                  simulaqron.settings.network_config is network_config)
    """))
    assert run_simulaqron([tmp_path]) == 0
    assert capsys.readouterr().out == "['Alice', 'Bob'] app True\n"
