"""The real-time faces: Socket.IO events (Flask-SocketIO, threading mode; over Redis when REDIS_URL is set,
so several web processes and the RQ workers reach every connected person), and plain WebSocket
conversations for apps that do not speak Socket.IO (`plain`, `/ws/chat/<id>/`, `/ws/group_chat/<id>/`).

Like the web and the API, they only call services: every event names its user (the Flask sign-in
session for browsers, the API access token for the app, checked again at each event) and every
conversation event checks membership through `vgk.services.conversations`. Services publish through
`vgk.integrations.registry.live`, which `register` points at Socket.IO's emit and at the relay that feeds
the plain WebSocket connections (`relay`): both kinds of clients hear the same events.
"""
from flask import Flask
from flask_socketio import SocketIO


def register(app: Flask, socketio: SocketIO) -> None:
    from vgk.integrations.registry import adapters_of
    from vgk.realtime import events, plain, relay

    events.register(socketio)
    feed = relay.install(app)

    def publish(event: str, room: str, data: dict) -> None:
        feed.publish(event, room, data)  # never raises: Socket.IO's emit, which may, comes after
        socketio.emit(event, data, to=room)

    adapters_of(app).live = publish
    plain.register(app)
