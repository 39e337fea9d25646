#!/usr/bin/env node
// envctl: the provisioner's command line. The TypeScript sources compile to dist/ (npm run build).
"use strict";
require("../dist/cli/main.js");
