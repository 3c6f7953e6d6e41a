#!/usr/bin/env python3
"""metadata_check.py SCHEMA BUNDLE.zip... -- an independent check of the
bundles' data/metadata.json against docs/metadata.schema.json with
python3-jsonschema (Draft 2020-12), to compare with sohoa verify's
built-in checker.  Prints one line per violation, "BUNDLE: /pointer:
message", and exits 1 when there is any (2 on usage errors)."""
import json
import sys
import zipfile

import jsonschema

if len(sys.argv) < 3:
    print(__doc__, file=sys.stderr)
    sys.exit(2)
schema = json.load(open(sys.argv[1], encoding='utf-8'))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
for bundle in sys.argv[2:]:
    with zipfile.ZipFile(bundle) as z:
        names = [n for n in z.namelist() if n.endswith('/data/metadata.json')]
        if len(names) != 1:
            print(f'{bundle}: no single data/metadata.json')
            bad += 1
            continue
        meta = json.loads(z.read(names[0]).decode('utf-8'))
    for err in validator.iter_errors(meta):
        bad += 1
        pointer = ''.join('/' + str(p).replace('~', '~0').replace('/', '~1')
                          for p in err.absolute_path)
        print(f'{bundle}: {pointer or "/"}: {err.message}')
sys.exit(1 if bad else 0)
