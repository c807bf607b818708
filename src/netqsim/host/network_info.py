"""Node names and ids for the NetQASM SDK, one table per network (no globals)."""

from __future__ import annotations

from collections.abc import Mapping

from netqasm.sdk.network import NetworkInfo


def make_network_info(node_ids: Mapping[str, int]) -> type[NetworkInfo]:
    """A ``NetworkInfo`` class that knows the nodes of one network.

    The SDK asks ``NetworkInfo`` classmethods for node ids; netqasm keeps
    them global, so each network gets its own subclass. As in SquidASM, an
    application name is the name of the node it runs on.
    """
    ids = dict(node_ids)
    names = {node_id: name for name, node_id in ids.items()}

    def node_id(cls: type, node_name: str) -> int:
        try:
            return ids[node_name]
        except KeyError:
            raise ValueError(
                f"no node called {node_name!r} in this network (nodes: {', '.join(ids)})"
            ) from None

    def node_name(cls: type, node_id: int) -> str:
        try:
            return names[node_id]
        except KeyError:
            raise ValueError(f"no node with id {node_id} in this network") from None

    def node_id_for_app(cls: type, app_name: str) -> int:
        return node_id(cls, app_name)

    def node_name_for_app(cls: type, app_name: str) -> str:
        return app_name

    return type(
        "NetqsimNetworkInfo",
        (NetworkInfo,),
        {
            "_get_node_id": classmethod(node_id),
            "_get_node_name": classmethod(node_name),
            "get_node_id_for_app": classmethod(node_id_for_app),
            "get_node_name_for_app": classmethod(node_name_for_app),
        },
    )
