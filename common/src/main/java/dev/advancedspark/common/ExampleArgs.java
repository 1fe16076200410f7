package dev.advancedspark.common;

import dev.advancedspark.common.memory.SparkMemoryRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Command-line arguments for an example: a few named options with defaults that work on a fresh
 * clone, plus the Spark options every example accepts ({@code --master}, {@code --conf k=v}, {@code
 * --event-log}, {@code --ui}, {@code --ui-wait SECONDS}).
 *
 * <p>Parsing never throws a stack trace at the reader: a bad argument raises {@link
 * UsageException}, whose message names the argument and ends with the usage text; {@link
 * Examples#run} prints it and exits with status 2.
 *
 * <pre>{@code
 * ExampleArgs spec = ExampleArgs.forExample("JoinStrategiesExample")
 *     .option("rows", "1000000", "rows in the fact table");
 * ExampleArgs.Parsed parsed = spec.parse(args);
 * long rows = parsed.getLong("rows");
 * }</pre>
 *
 * <p>Typed options ({@link #count}, {@link #size}, {@link #choice}, {@link #fraction}, {@link
 * #inputPath}) are checked when the arguments are parsed, before any Spark work starts, so every
 * example answers a bad value the same way. Two number syntaxes, documented once here:
 *
 * <ul>
 *   <li>counts (rows, partitions): a whole number with an optional decimal suffix, {@code 10k} =
 *       10,000, {@code 2M} = 2,000,000;
 *   <li>sizes (bytes): Spark's own byte strings, read as {@code spark.*} sizes are, in binary
 *       units: {@code 512k} = 512 KiB, {@code 1m} = 1 MiB = 1,048,576 bytes, {@code 4g} = 4 GiB; a
 *       bare number is bytes.
 * </ul>
 */
public final class ExampleArgs {

  /** What an option's value must be; checked by {@link #parse}. */
  private enum Kind {
    TEXT,
    COUNT,
    SIZE,
    CHOICE,
    FRACTION,
    INPUT_PATH,
    CHECKED
  }

  private record Option(
      String name,
      String defaultValue,
      String help,
      Kind kind,
      long min,
      List<String> choices,
      Consumer<String> check) {
    Option(String name, String defaultValue, String help, Kind kind, long min, List<String> c) {
      this(name, defaultValue, help, kind, min, c, v -> {});
    }
  }

  private final String exampleName;
  private final boolean sparkOptions;
  private final Map<String, Option> options = new LinkedHashMap<>();

  private ExampleArgs(String exampleName, boolean sparkOptions) {
    this.exampleName = exampleName;
    this.sparkOptions = sparkOptions;
  }

  public static ExampleArgs forExample(String exampleName) {
    return new ExampleArgs(exampleName, true);
  }

  /**
   * For an example that starts no Spark session (a calculator): without {@code --master}, {@code
   * --conf} and {@code --event-log}, which it would otherwise accept and ignore.
   */
  public static ExampleArgs forTool(String exampleName) {
    return new ExampleArgs(exampleName, false);
  }

  /** The example's name, as {@code bin/run-example} takes it and as its app name. */
  public String exampleName() {
    return exampleName;
  }

  /** Declares {@code --name value}; {@code defaultValue} is used when the option is absent. */
  public ExampleArgs option(String name, String defaultValue, String help) {
    return add(new Option(name, defaultValue, help, Kind.TEXT, 0, List.of()));
  }

  /** A count (rows, partitions): a whole number of at least 1, {@code 10k} = 10,000. */
  public ExampleArgs count(String name, String defaultValue, String help) {
    return count(name, defaultValue, help, 1);
  }

  /** A count of at least {@code min} (e.g. 0 when 0 means "Spark's default"). */
  public ExampleArgs count(String name, String defaultValue, String help, long min) {
    return add(new Option(name, defaultValue, help, Kind.COUNT, min, List.of()));
  }

  /** A size in bytes, in Spark's syntax and binary units: {@code 1m} = 1 MiB; at least 0. */
  public ExampleArgs size(String name, String defaultValue, String help) {
    return add(new Option(name, defaultValue, help, Kind.SIZE, 0, List.of()));
  }

  /** One of {@code allowed} (case-insensitive); {@link Parsed#get} returns it in lower case. */
  public ExampleArgs choice(String name, String defaultValue, String help, String... allowed) {
    List<String> values = List.of(allowed).stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    return add(new Option(name, defaultValue, help, Kind.CHOICE, 0, values));
  }

  /** A share between 0 and 1, inclusive. */
  public ExampleArgs fraction(String name, String defaultValue, String help) {
    return add(new Option(name, defaultValue, help, Kind.FRACTION, 0, List.of()));
  }

  /**
   * A file or folder to read that must exist. The default value is not checked: it names what the
   * example generates when no input is given (e.g. {@code generated}).
   */
  public ExampleArgs inputPath(String name, String defaultValue, String help) {
    return add(new Option(name, defaultValue, help, Kind.INPUT_PATH, 0, List.of()));
  }

  /**
   * A value with its own syntax (e.g. a skew spec {@code hot:0.9}), checked by {@code check} at
   * parse time: an {@link IllegalArgumentException} from it becomes a usage error.
   */
  public ExampleArgs checked(
      String name, String defaultValue, String help, Consumer<String> check) {
    return add(new Option(name, defaultValue, help, Kind.CHECKED, 0, List.of(), check));
  }

  private ExampleArgs add(Option option) {
    options.put(option.name(), option);
    return this;
  }

  /** The declared count options (for tests that try a non-positive count on every example). */
  public List<String> countOptions() {
    return namesOf(Kind.COUNT);
  }

  /** The declared input-path options (for tests that try a missing path on every example). */
  public List<String> inputPathOptions() {
    return namesOf(Kind.INPUT_PATH);
  }

  /** The declared option names, in order. */
  public List<String> optionNames() {
    return List.copyOf(options.keySet());
  }

  /** An option's declared kind in lower case: text, count, size, choice, fraction, input_path. */
  public String kindOf(String name) {
    Option o = options.get(name);
    if (o == null) {
      throw new IllegalArgumentException("Option '" + name + "' was never declared");
    }
    return o.kind().name().toLowerCase(Locale.ROOT);
  }

  /** The smallest value a count option accepts. */
  public long minimumOf(String countOption) {
    Option o = options.get(countOption);
    if (o == null || o.kind() != Kind.COUNT) {
      throw new IllegalArgumentException("'" + countOption + "' is not a count option");
    }
    return o.min();
  }

  private List<String> namesOf(Kind kind) {
    return options.values().stream().filter(o -> o.kind() == kind).map(Option::name).toList();
  }

  /** The usage text, listing the example's own options and the common Spark options. */
  public String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: bin/run-example ").append(exampleName);
    for (Option o : options.values()) {
      sb.append(" [--").append(o.name()).append(' ').append(o.name().toUpperCase()).append(']');
    }
    sb.append(
        sparkOptions
            ? " [--master URL] [--conf KEY=VALUE]... [--event-log] [--ui] [--ui-wait SECONDS]\n"
            : "\n");
    for (Option o : options.values()) {
      String allowed = o.kind() == Kind.CHOICE ? " [" + String.join("|", o.choices()) + "]" : "";
      sb.append(
          String.format(
              "  --%-22s %s%s (default: %s)%n", o.name(), o.help(), allowed, o.defaultValue()));
    }
    if (sparkOptions) {
      sb.append(
          String.format(
              "  --%-22s %s%n",
              "master URL", "Spark master (default: spark-submit's, else local[*])"));
      sb.append(String.format("  --%-22s %s%n", "conf KEY=VALUE", "any Spark setting; repeatable"));
      sb.append(
          String.format(
              "  --%-22s %s%n", "event-log", "write Spark event logs to target/spark-events"));
      sb.append(
          String.format(
              "  --%-22s %s%n",
              "ui", "keep the Spark UI open on 127.0.0.1 after the run, until Enter is pressed"));
      sb.append(
          String.format(
              "  --%-22s %s%n",
              "ui-wait SECONDS",
              "like --ui, but keep it open for SECONDS (0 or more) instead of waiting for Enter"));
    }
    sb.append(String.format("  --%-22s %s%n", "help", "print this text"));
    return sb.toString();
  }

  /** Parses {@code args}; throws {@link UsageException} with a readable message on bad input. */
  public Parsed parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    options.values().forEach(o -> values.put(o.name(), o.defaultValue()));
    Map<String, String> conf = new LinkedHashMap<>();
    String master = null;
    boolean eventLog = false;
    boolean ui = false;
    long uiWait = UI_WAIT_FOR_ENTER;
    List<String> rest = new ArrayList<>(List.of(args));
    for (int i = 0; i < rest.size(); i++) {
      String arg = rest.get(i);
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new UsageException(null, usage());
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("Unexpected argument '" + arg + "'.", usage());
      }
      String name = arg.substring(2);
      String inlineValue = null;
      int eq = name.indexOf('=');
      if (eq > 0 && !name.startsWith("conf")) {
        inlineValue = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      boolean sparkOption =
          name.equals("master")
              || name.equals("conf")
              || name.equals("event-log")
              || name.equals("ui")
              || name.equals("ui-wait");
      if (!options.containsKey(name) && !(sparkOptions && sparkOption)) {
        throw new UsageException("Unknown option '--" + name + "'.", usage());
      }
      if (name.equals("event-log")) {
        eventLog = true;
        continue;
      }
      if (name.equals("ui")) {
        ui = true;
        continue;
      }
      String value = inlineValue;
      if (value == null) {
        if (i + 1 >= rest.size() || rest.get(i + 1).startsWith("--")) {
          throw new UsageException("Option '--" + name + "' needs a value.", usage());
        }
        value = rest.get(++i);
      }
      switch (name) {
        case "master" -> master = value;
        case "ui-wait" -> {
          ui = true;
          uiWait = parseUiWait(value, usage());
        }
        case "conf" -> {
          int kv = value.indexOf('=');
          if (kv <= 0) {
            throw new UsageException(
                "'--conf " + value + "' is not of the form KEY=VALUE.", usage());
          }
          conf.put(value.substring(0, kv), value.substring(kv + 1));
        }
        default -> values.put(name, value);
      }
    }
    for (Option o : options.values()) {
      values.put(o.name(), check(o, values.get(o.name())));
    }
    return new Parsed(this, values, master, conf, eventLog, ui, uiWait);
  }

  /** {@link Parsed#uiWaitSeconds()} when the example waits for Enter rather than a number of s. */
  public static final long UI_WAIT_FOR_ENTER = -1;

  private static long parseUiWait(String value, String usage) {
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds >= 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(
        "Option '--ui-wait' must be a whole number of seconds, 0 or more, got '" + value + "'.",
        usage);
  }

  /** Checks a typed option's value before any work starts; returns it normalized. */
  private String check(Option o, String value) {
    String flag = "Option '--" + o.name() + "'";
    switch (o.kind()) {
      case COUNT -> {
        long v = Parsed.parseCount(o.name(), value, usage());
        if (v < o.min()) {
          throw new UsageException(
              flag + " must be at least " + o.min() + ", got " + value + ".", usage());
        }
      }
      case SIZE -> Parsed.parseBytes(o.name(), value, usage());
      case CHOICE -> {
        String v = value.toLowerCase(Locale.ROOT);
        if (!o.choices().contains(v)) {
          throw new UsageException(
              flag + " must be one of " + String.join(", ", o.choices()) + ", got '" + value + "'.",
              usage());
        }
        return v;
      }
      case FRACTION -> {
        double v = Parsed.parseDouble(o.name(), value, usage());
        if (!(v >= 0 && v <= 1)) {
          throw new UsageException(
              flag + " must be a share between 0 and 1, got " + value + ".", usage());
        }
      }
      case INPUT_PATH -> {
        if (!value.equals(o.defaultValue()) && !Files.exists(Path.of(value))) {
          throw UsageException.problem(
              "Input not found: "
                  + Path.of(value).toAbsolutePath()
                  + " (check the path given to --"
                  + o.name()
                  + ", or leave the option out to use the default).");
        }
      }
      case CHECKED -> {
        try {
          o.check().accept(value);
        } catch (IllegalArgumentException e) {
          throw new UsageException(flag + ": " + e.getMessage() + ".", usage());
        }
      }
      case TEXT -> {}
    }
    return value;
  }

  /** The parsed arguments. Typed getters turn a malformed number into a {@link UsageException}. */
  public static final class Parsed {
    private final ExampleArgs spec;
    private final Map<String, String> values;
    private final String master;
    private final Map<String, String> conf;
    private final boolean eventLog;
    private final boolean ui;
    private final long uiWait;

    private Parsed(
        ExampleArgs spec,
        Map<String, String> values,
        String master,
        Map<String, String> conf,
        boolean eventLog,
        boolean ui,
        long uiWait) {
      this.spec = spec;
      this.values = values;
      this.master = master;
      this.conf = conf;
      this.eventLog = eventLog;
      this.ui = ui;
      this.uiWait = uiWait;
    }

    public String get(String name) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("Option '" + name + "' was never declared");
      }
      return values.get(name);
    }

    public long getLong(String name) {
      return parseCount(name, get(name), spec.usage());
    }

    /**
     * A size in bytes in Spark's syntax ({@code 512k}, {@code 64m}, {@code 1g}: binary units, as
     * {@code spark.*} sizes are read; a bare number is bytes), by {@link
     * SparkMemoryRules#parseBytes}. Unlike {@link #getLong}, which counts ({@code 10k} = 10,000),
     * this is for memory and file sizes.
     */
    public long getBytes(String name) {
      return parseBytes(name, get(name), spec.usage());
    }

    static long parseCount(String name, String value, String usage) {
      String v = value.replace("_", "");
      try {
        return parseScaled(v);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new UsageException(
            "Option '--"
                + name
                + "' must be a whole number (e.g. 1000, 10k, 10M), got '"
                + v
                + "'.",
            usage);
      }
    }

    static long parseBytes(String name, String value, String usage) {
      long bytes;
      try {
        bytes = SparkMemoryRules.parseBytes(value);
      } catch (RuntimeException e) {
        bytes = -1;
      }
      if (bytes < 0 || value.isBlank()) {
        throw new UsageException(
            "Option '--"
                + name
                + "' must be a size such as 512k, 64m or 1g (binary units: 1m = 1 MiB), got '"
                + value
                + "'.",
            usage);
      }
      return bytes;
    }

    static double parseDouble(String name, String value, String usage) {
      try {
        return Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new UsageException(
            "Option '--" + name + "' must be a number, got '" + value + "'.", usage);
      }
    }

    public int getInt(String name) {
      long v = getLong(name);
      if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
        throw new UsageException(
            "Option '--" + name + "' is out of range: " + v + ".", spec.usage());
      }
      return (int) v;
    }

    /** {@link #getLong}, refusing 0 and negative values (row counts, partitions). */
    public long getPositiveLong(String name) {
      long v = getLong(name);
      if (v < 1) {
        throw new UsageException(
            "Option '--" + name + "' must be at least 1, got " + v + ".", spec.usage());
      }
      return v;
    }

    /** {@link #getInt}, refusing 0 and negative values (row counts, partitions). */
    public int getPositiveInt(String name) {
      getPositiveLong(name);
      return getInt(name);
    }

    public double getDouble(String name) {
      return parseDouble(name, get(name), spec.usage());
    }

    /** {@code --master}, or null when not given (the session factory then decides). */
    public String master() {
      return master;
    }

    /** The {@code --conf KEY=VALUE} pairs, in the order given. */
    public Map<String, String> conf() {
      return conf;
    }

    public boolean eventLog() {
      return eventLog;
    }

    /** {@code --ui} or {@code --ui-wait}: the example keeps its Spark UI open after the run. */
    public boolean ui() {
      return ui;
    }

    /**
     * How long {@code --ui-wait} keeps the UI open, in seconds; {@link #UI_WAIT_FOR_ENTER} for
     * {@code --ui} (until Enter, or the end of standard input).
     */
    public long uiWaitSeconds() {
      return uiWait;
    }

    /** Session settings for {@link SparkSessions#forExample}. */
    public SparkSessions.Settings sessionSettings(String appName) {
      return new SparkSessions.Settings(appName, master, conf, eventLog, ui);
    }

    private static long parseScaled(String v) {
      if (v.isEmpty()) {
        throw new NumberFormatException("empty");
      }
      char last = Character.toLowerCase(v.charAt(v.length() - 1));
      long scale =
          switch (last) {
            case 'k' -> 1_000L;
            case 'm' -> 1_000_000L;
            case 'g', 'b' -> 1_000_000_000L;
            default -> 1L;
          };
      String digits = scale == 1L ? v : v.substring(0, v.length() - 1);
      return Math.multiplyExact(Long.parseLong(digits), scale);
    }
  }
}
