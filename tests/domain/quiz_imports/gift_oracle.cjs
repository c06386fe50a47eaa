// Print what gift-pegjs reads from each GIFT file named, as JSON: the importer's oracle.
const fs = require("fs");
const { parse } = require("gift-pegjs");

const read = {};
for (const file of process.argv.slice(2)) {
  read[file] = parse(fs.readFileSync(file, "utf8"));
}
process.stdout.write(JSON.stringify(read));
