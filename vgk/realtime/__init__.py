"""The real-time face: Socket.IO events (Flask-SocketIO, threading mode; over Redis when REDIS_URL is set,
so several web processes and the RQ workers reach every connected person).

Like the web and the API, it only calls services: every event names its user (the Flask sign-in
session for browsers, the API access token for the app, checked again at each event) and every
conversation event checks membership through `vgk.services.conversations`. Services publish through
`vgk.integrations.registry.live`, which `register` points at Socket.IO's emit.
"""
from flask import Flask
from flask_socketio import SocketIO


def register(app: Flask, socketio: SocketIO) -> None:
    from vgk.integrations.registry import adapters_of
    from vgk.realtime import events

    events.register(socketio)

    def publish(event: str, room: str, data: dict) -> None:
        socketio.emit(event, data, to=room)

    adapters_of(app).live = publish
