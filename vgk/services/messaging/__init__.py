"""Telling people: messages sent by SMS and email through a job (`notifications`) and the in-app
notifications listed in an account (`inbox`)."""
