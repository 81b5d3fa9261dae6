"""Accounts: everything about who a person is and how they prove it.

- people: phone numbers, email addresses, names, password strength; finding an account
- signup: sign-up, phone verification and number change, email verification
- signin: passwords and second factors at sign-in, pending sign-ins, recent authentication
- twofactor: second factor settings (authenticator app, SMS or email codes, recovery codes)
- passwords: reset by code or link, change
- links: the signed links sent by email (reset, email verification)
- personal: the person's profile, and deleting their own account
- tablets: staff PINs and the shared tablets of pickup points
- google: Google sign-in (browser and app)
- otp, throttle: one-time codes sent by SMS or email, wrong passwords and codes counted
- sessions, api_tokens: sign-in sessions, and the app's tokens on top of them

Callers import the module they need (`from vgk.services.accounts import signin`).
"""
