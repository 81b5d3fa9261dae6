"""A steady load on the production shape, only through nginx: visitors browsing the catalogue pages and guests
buying with the simulated Mobile Money phone (so a payment is applied and SMS are sent). Every answer is kept
with its time (a connection error as status 0), and every order reference a checkout gave."""
from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field

import requests

TIMEOUT = 15


@dataclass
class Answer:
    at: float  # time.monotonic() when the answer came
    kind: str  # "catalogue" (pages anyone reads) or "purchase" (the steps of a guest's purchase)
    path: str
    status: int
    error: str = ""  # what went wrong when no answer came (status 0)


@dataclass
class Load:
    url: str
    products: list[str]  # public ids of listings on sale, each bought at most once
    answers: list[Answer] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)  # references the checkout gave
    paid: list[str] = field(default_factory=list)  # references whose payment the phone approved
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    phones: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self, browsers: int = 2, buyers: int = 1) -> Load:
        self.threads = [threading.Thread(target=self._browse, args=(n,), daemon=True) for n in range(browsers)]
        self.threads += [threading.Thread(target=self._buy, daemon=True) for _ in range(buyers)]
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=2 * TIMEOUT)

    def _get(self, session: requests.Session, kind: str, path: str, **options) -> requests.Response | None:
        return self._call(session, "GET", kind, path, **options)

    def _call(self, session: requests.Session, method: str, kind: str, path: str,
              **options) -> requests.Response | None:
        error = ""
        try:
            response = session.request(method, self.url + path, timeout=TIMEOUT, **options)
        except requests.RequestException as failure:
            response, error = None, failure.__class__.__name__
        status = response.status_code if response is not None else 0
        with self.lock:
            self.answers.append(Answer(time.monotonic(), kind, path, status, error))
        return response

    def _browse(self, n: int) -> None:
        session = requests.Session()
        pages = ["/produits", "/", "/produits?page=2", "/produits?q=velo"]
        for turn in itertools.count(n):
            if self.stopping.is_set():
                return
            self._get(session, "catalogue", pages[turn % len(pages)])
            if self.products:
                self._get(session, "catalogue", f"/p/{self.products[turn % len(self.products)]}")
            time.sleep(0.1)

    def _buy(self) -> None:
        for product in list(self.products):
            if self.stopping.is_set():
                return
            try:
                self._purchase(product)
            except (AttributeError, KeyError):  # a step that failed: the next guest tries again
                pass
            time.sleep(0.5)  # a steady pace, whatever the speed of the site: the products last the module

    def _purchase(self, product: str) -> None:
        phone = requests.Session()
        phone.headers["Origin"] = self.url
        page = self._get(phone, "purchase", f"/p/{product}")
        if page is None or page.status_code != 200:
            return
        added = self._call(phone, "POST", "purchase", "/panier/ajouter", allow_redirects=False,
                           data={"product": product, "quantity": "1", "csrf_token": csrf(page.text)})
        form = self._get(phone, "purchase", "/commande")
        if added is None or added.status_code != 303 or form is None or form.status_code != 200:
            return
        point = re.search(r'<option value="(\d+)"', form.text)
        if point is None:
            return
        number = f"670{next(self.phones):06d}"
        placed = self._call(phone, "POST", "purchase", "/commande", allow_redirects=False, data={
            "name": "Awa Bello", "phone": number, "fulfilment": "PICKUP", "pickup_point_id": point.group(1),
            "payment_method": "MTN_MOMO", "csrf_token": csrf(form.text)})
        where = placed.headers.get("Location", "") if placed is not None else ""
        found = re.fullmatch(r"/commande/(VGK-[A-Z0-9]+)", where)
        if placed is None or placed.status_code != 303 or not found:
            return
        with self.lock:
            self.orders.append(found.group(1))
        waiting = self._get(phone, "purchase", where)
        simulator = re.search(r'href="(/simulateur/[^"]+)"', waiting.text if waiting is not None else "")
        if simulator is None:
            return
        asked = self._get(phone, "purchase", simulator.group(1))
        if asked is None or asked.status_code != 200:
            return
        approved = self._call(phone, "POST", "purchase", simulator.group(1),
                              data={"decision": "approve", "csrf_token": csrf(asked.text)})
        if approved is not None and approved.status_code == 200:
            with self.lock:
                self.paid.append(found.group(1))

    def since(self, start: float, kind: str | None = None) -> list[Answer]:
        with self.lock:
            return [answer for answer in self.answers if answer.at >= start and kind in (None, answer.kind)]


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html) or \
        re.search(r'<meta name="csrf-token" content="([^"]*)"', html)
    if found is None:
        raise KeyError("csrf_token")
    return found.group(1)
