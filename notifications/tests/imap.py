"""A real IMAP server on loopback for the mailbox's tests and benchmark: Debian's Dovecot
with a throw-away configuration, users and Maildir in a temporary folder, plain login on
127.0.0.1 at a free port. Messages are fed to it by IMAP APPEND, as a mail server would.

Without Dovecot the tests skip, except under CI=true, where they fail (.ci/run installs it).
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "mailbox-pass"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for message in messages:
                client.append(folder, message)
        finally:
            client.logout()

    def unseen(self) -> int:
        client = self.client()
        try:
            client.select_folder("INBOX", readonly=True)
            return len(client.search(["UNSEEN"]))
        finally:
            client.logout()

    def empty(self) -> None:
        client = self.client()
        try:
            client.select_folder("INBOX")
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()
        finally:
            client.logout()


def _user_ids() -> tuple[str, str, int, int]:
    """Dovecot's own unprivileged users as root (Debian's package makes them); as anyone
    else, that user for everything."""
    if os.geteuid() == 0:
        dovecot = pwd.getpwnam("dovecot")
        return "dovenull", "dovecot", dovecot.pw_uid, dovecot.pw_gid
    name = pwd.getpwuid(os.getuid()).pw_name
    return name, name, os.getuid(), os.getgid()


@contextmanager
def running_dovecot():
    root = Path(tempfile.mkdtemp(prefix="dreame-imap-"))
    os.chmod(root, 0o755)  # the login process (dovenull) reads the run folder
    port = _free_port()
    login_user, internal_user, uid, gid = _user_ids()
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    for folder in ("mail", "home"):  # the mail user's own
        os.chown(root / folder, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    # The daemon keeps whatever it inherited open: no pipes, or run() waits for ever.
    with open(root / "start.log", "wb") as log:
        subprocess.run([DOVECOT, "-c", str(config)], check=True, stdout=log, stderr=log, timeout=30)
    server = Dovecot(root=root, port=port)
    try:
        _wait_for_login(server)
        yield server
    finally:
        subprocess.run(
            [DOVECOT, "-c", str(config), "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
        _wait_for_stop(root / "run" / "master.pid")
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_stop(pid_file: Path) -> None:
    deadline = time.monotonic() + 10
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _wait_for_login(server: Dovecot) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            server.client().logout()
            return
        except OSError:
            if time.monotonic() > deadline:
                log = server.root / "dovecot.log"
                raise RuntimeError(
                    f"Dovecot does not answer: {log.read_text() if log.exists() else ''}"
                ) from None
            time.sleep(0.1)
