/**
 * Files of two projects that are not training jobs — what a JavaScript (Node) or Python project commonly holds,
 * config.json, .circleci/config.yml, setup.py and a config.py among them. The extension must not start there (README,
 * "The VS Code extension" → "Starts only where there is work"): the code-server suite test/vscode/activation.ts opens
 * them in a real VS Code, and test/unit/activation-globs.test.ts matches the manifest's `workspaceContains` globs
 * against their paths.
 */
export const PLAIN_PROJECTS: Record<string, Record<string, string>> = {
  'plain-node': {
    'package.json': '{ "name": "web-app", "version": "1.0.0", "main": "index.js", "scripts": { "test": "node --test" } }\n',
    'package-lock.json': '{ "name": "web-app", "lockfileVersion": 3, "packages": {} }\n',
    'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
    '.eslintrc.json': '{ "root": true }\n',
    'config.json': '{ "port": 8080, "logLevel": "info" }\n',
    'config/default.json': '{ "db": { "host": "localhost" } }\n',
    'config/production.yaml': 'db:\n  host: db.internal\n',
    '.circleci/config.yml': 'version: 2.1\njobs:\n  build:\n    docker:\n      - image: node:20\n',
    '.github/workflows/ci.yml': 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
    'docker-compose.yml': 'services:\n  web:\n    build: .\n',
    'index.js': 'const http = require("node:http");\nhttp.createServer((q, r) => r.end("ok")).listen(8080);\n',
    'src/app.ts': 'export const answer = 42;\n',
    'README.md': '# web-app\n',
  },
  'plain-python': {
    'pyproject.toml': '[project]\nname = "inventory"\nversion = "0.1.0"\n',
    'setup.py': 'from setuptools import setup\nsetup(name="inventory")\n',
    'requirements.txt': 'requests\npyyaml\n',
    'src/inventory/__init__.py': '',
    'src/inventory/config.py': 'import yaml\n\ndef load(path):\n    return yaml.safe_load(open(path))\n',
    'src/inventory/settings.json': '{ "currency": "EUR" }\n',
    'tests/test_inventory.py': 'def test_answer():\n    assert 1 + 1 == 2\n',
    'mkdocs.yml': 'site_name: Inventory\n',
    '.pre-commit-config.yaml': 'repos: []\n',
    'conf/logging.yaml': 'version: 1\n',
    'notebooks/exploration.ipynb': '{ "cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5 }\n',
    'README.md': '# inventory\n',
  },
};
