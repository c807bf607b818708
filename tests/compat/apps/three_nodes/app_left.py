# A leaf: measures its half of the hub's pair and answers the hub's broadcast.
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import BroadcastChannel, NetQASMConnection


def main(app_config=None):
    epr_socket = EPRSocket("hub")
    channel = BroadcastChannel("left", remote_app_names=["hub"])
    with NetQASMConnection("left", epr_sockets=[epr_socket]):
        outcome = epr_socket.recv_keep()[0].measure()
    sender, greeting = channel.recv()
    channel.send(f"left got {greeting} from {sender}")
    return {"outcome": int(outcome)}
