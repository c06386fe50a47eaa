// Print what gift-pegjs reads from each GIFT file named, as JSON: the importer's oracle.
// A file it cannot read gives {"error": its message, "line": where it stopped}.
const fs = require("fs");
const { parse } = require("gift-pegjs");

const read = {};
for (const file of process.argv.slice(2)) {
  try {
    read[file] = parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if (!error.location) throw error;
    read[file] = { error: error.message, line: error.location.start.line };
  }
}
process.stdout.write(JSON.stringify(read));
