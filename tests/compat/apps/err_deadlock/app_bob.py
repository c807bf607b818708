from netqasm.sdk.external import Socket


def main(app_config=None):
    socket = Socket("bob", "alice")
    reply = socket.recv()  # both wait for the other
    return {"reply": reply}
