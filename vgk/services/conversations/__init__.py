"""Conversations between people: who may talk to whom and about what (`threads`), the messages and how
far each member has read (`messages`), and what is published live to the members after each change
(`live`). Every rule here serves both faces — the web pages and the mobile API — and the Socket.IO
events."""
