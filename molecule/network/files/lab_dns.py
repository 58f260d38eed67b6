"""Lab stand-in for the province's authoritative DNS: answers A queries from a fixed table.

Only for the molecule scenario (the service container has no package mirror); it lets the
test prove that the commune resolver forwards to the province server and nowhere else.
"""

import socket
import struct
import sys

RECORDS = {
    "portal.lamdong.gov.vn.": "10.199.240.41",
    "ns1.lamdong.gov.vn.": "10.199.240.11",
}


def qname(packet: bytes, offset: int) -> tuple[str, int]:
    labels = []
    while packet[offset]:
        length = packet[offset]
        labels.append(packet[offset + 1 : offset + 1 + length].decode("ascii").lower())
        offset += 1 + length
    return ".".join(labels) + ".", offset + 1


def answer(packet: bytes) -> bytes:
    ident, flags = struct.unpack("!HH", packet[:4])
    name, end = qname(packet, 12)
    qtype, _qclass = struct.unpack("!HH", packet[end : end + 4])
    question = packet[12 : end + 4]
    address = RECORDS.get(name)
    rd = flags & 0x0100
    if address is None or qtype != 1:
        rcode = 0 if name in RECORDS else 3
        return struct.pack("!HHHHHH", ident, 0x8400 | rd | rcode, 1, 0, 0, 0) + question
    record = struct.pack("!HHHLH", 0xC00C, 1, 1, 300, 4) + socket.inet_aton(address)
    return struct.pack("!HHHHHH", ident, 0x8400 | rd, 1, 1, 0, 0) + question + record


def main() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind((sys.argv[1], 53))
    while True:
        packet, peer = server.recvfrom(512)
        try:
            server.sendto(answer(packet), peer)
        except (IndexError, struct.error, UnicodeDecodeError):
            continue


if __name__ == "__main__":
    main()
