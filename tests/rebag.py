#!/usr/bin/env python3
"""rebag.py IN.zip OUT.zip ENTRY -- a forger's tool for the tests: change
one byte of a payload file of a bundle and rewrite both payload manifests,
bag-info.txt and the tag manifest so that the bag is valid BagIt again.
Everything else (signature.p7s too) is copied unchanged."""
import hashlib
import sys
import zipfile

src, dst, entry = sys.argv[1:4]
zin = zipfile.ZipFile(src)
files = {i.filename: zin.read(i.filename) for i in zin.infolist()}
top = entry.split('/')[0]
data = bytearray(files[entry])
data[len(data) // 2] ^= 0xFF
files[entry] = bytes(data)
rel = entry[len(top) + 1:]


def relist(name, algo):
    lines = []
    for line in files[top + '/' + name].decode().splitlines():
        h, path = line.split('  ', 1)
        if path == rel or name.startswith('tagmanifest'):
            h = hashlib.new(algo, files[top + '/' + path]).hexdigest()
        lines.append(h + '  ' + path)
    files[top + '/' + name] = ('\n'.join(lines) + '\n').encode()


relist('manifest-sha256.txt', 'sha256')
relist('manifest-sha512.txt', 'sha512')
relist('tagmanifest-sha256.txt', 'sha256')
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    for i in zin.infolist():
        zout.writestr(i, files[i.filename])
