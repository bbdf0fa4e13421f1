// Command-line options of the bench scripts: `--name value` pairs and
// `--flag` switches, read from process.argv (or the array given).
//
//   const opt = options();
//   const items = opt.number('--items', 100_000);
//   const dists = opt.all('--dist');
//   if (opt.flag('--profile')) ...

export function options(argv = process.argv.slice(2)) {
  const value = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : fallback;
  };
  return {
    args: argv,
    /** The value after `name`, or fallback when `name` is absent. */
    value,
    /** The value after `name` as a number, or fallback when `name` is absent. */
    number: (name, fallback) => {
      const text = value(name, undefined);
      return text === undefined ? fallback : Number(text);
    },
    /** Whether `name` is given. */
    flag: (name) => argv.includes(name),
    /** The value after every occurrence of `name`, in order. */
    all: (name) => argv.flatMap((a, i) => (a === name ? [argv[i + 1]] : [])),
  };
}
