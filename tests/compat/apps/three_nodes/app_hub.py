# The hub shares a pair with each leaf, then announces the round on a broadcast channel.
from netqasm.sdk import EPRSocket
from netqasm.sdk.external import BroadcastChannel, NetQASMConnection


def main(app_config=None, greeting="hello"):
    sockets = [EPRSocket("left"), EPRSocket("right")]
    channel = BroadcastChannel("hub", remote_app_names=["left", "right"])
    with NetQASMConnection("hub", epr_sockets=sockets):
        halves = [socket.create_keep()[0] for socket in sockets]
        outcomes = [half.measure() for half in halves]
    channel.send(greeting)
    replies = sorted(channel.recv() for _ in range(2))
    return {"outcomes": [int(m) for m in outcomes], "replies": replies}
