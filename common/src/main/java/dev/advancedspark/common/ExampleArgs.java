package dev.advancedspark.common;

import dev.advancedspark.common.memory.SparkMemoryRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line arguments for an example: a few named options with defaults that work on a fresh
 * clone, plus the Spark options every example accepts ({@code --master}, {@code --conf k=v}, {@code
 * --event-log}).
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
 */
public final class ExampleArgs {

  private record Option(String name, String defaultValue, String help) {}

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
    options.put(name, new Option(name, defaultValue, help));
    return this;
  }

  /** The usage text, listing the example's own options and the common Spark options. */
  public String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("Usage: bin/run-example ").append(exampleName);
    for (Option o : options.values()) {
      sb.append(" [--").append(o.name()).append(' ').append(o.name().toUpperCase()).append(']');
    }
    sb.append(sparkOptions ? " [--master URL] [--conf KEY=VALUE]... [--event-log]\n" : "\n");
    for (Option o : options.values()) {
      sb.append(
          String.format("  --%-22s %s (default: %s)%n", o.name(), o.help(), o.defaultValue()));
    }
    if (sparkOptions) {
      sb.append(String.format("  --%-22s %s%n", "master URL", "Spark master (default: local[*])"));
      sb.append(String.format("  --%-22s %s%n", "conf KEY=VALUE", "any Spark setting; repeatable"));
      sb.append(
          String.format(
              "  --%-22s %s%n", "event-log", "write Spark event logs to target/spark-events"));
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
          name.equals("master") || name.equals("conf") || name.equals("event-log");
      if (!options.containsKey(name) && !(sparkOptions && sparkOption)) {
        throw new UsageException("Unknown option '--" + name + "'.", usage());
      }
      if (name.equals("event-log")) {
        eventLog = true;
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
    return new Parsed(this, values, master, conf, eventLog);
  }

  /** The parsed arguments. Typed getters turn a malformed number into a {@link UsageException}. */
  public static final class Parsed {
    private final ExampleArgs spec;
    private final Map<String, String> values;
    private final String master;
    private final Map<String, String> conf;
    private final boolean eventLog;

    private Parsed(
        ExampleArgs spec,
        Map<String, String> values,
        String master,
        Map<String, String> conf,
        boolean eventLog) {
      this.spec = spec;
      this.values = values;
      this.master = master;
      this.conf = conf;
      this.eventLog = eventLog;
    }

    public String get(String name) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("Option '" + name + "' was never declared");
      }
      return values.get(name);
    }

    public long getLong(String name) {
      String v = get(name).replace("_", "");
      try {
        return parseScaled(v);
      } catch (NumberFormatException e) {
        throw new UsageException(
            "Option '--"
                + name
                + "' must be a whole number (e.g. 1000, 10k, 10M), got '"
                + v
                + "'.",
            spec.usage());
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

    /**
     * A size read as Spark reads {@code spark.*} sizes ({@link SparkMemoryRules#parseBytes}):
     * binary units, {@code 1m} = 1 MiB, a bare number is bytes. Unlike {@link #getLong}, which
     * counts ({@code 10k} = 10,000), this is for memory and file sizes.
     */
    public long getBytes(String name) {
      String v = get(name);
      try {
        return SparkMemoryRules.parseBytes(v);
      } catch (IllegalArgumentException e) {
        throw new UsageException(
            "Option '--" + name + "' must be a size such as 4g, 512m or 0, got '" + v + "'.",
            spec.usage());
      }
    }

    public double getDouble(String name) {
      String v = get(name);
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new UsageException(
            "Option '--" + name + "' must be a number, got '" + v + "'.", spec.usage());
      }
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

    /** Session settings for {@link SparkSessions#forExample}. */
    public SparkSessions.Settings sessionSettings(String appName) {
      return new SparkSessions.Settings(appName, master, conf, eventLog);
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
