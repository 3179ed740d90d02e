#!/usr/bin/python3
# Records what ansible-core 2.14 (Debian's, with Python's Jinja2) prints for each expression of the case files here,
# as text inside a larger string ("@{{ expr }}", the '@' dropped), or the error it raises. Development only:
#   /usr/bin/python3 packages/core/test/expr/ansible-cases/record.py [file.json ...]
import glob, json, os, sys
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

here = os.path.dirname(os.path.abspath(__file__))
for path in sys.argv[1:] or sorted(glob.glob(os.path.join(here, '*.json'))):
    with open(path) as f:
        data = json.load(f)
    templar = Templar(loader=DataLoader(), variables=data.get('vars', {}))
    for case in data['cases']:
        case.pop('text', None)
        case.pop('error', None)
        try:
            case['text'] = templar.template('@{{ ' + case['expr'] + ' }}')[1:]
        except Exception as e:
            case['error'] = type(e).__name__
    with open(path, 'w') as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write('\n')
    print(os.path.basename(path), len(data['cases']))
