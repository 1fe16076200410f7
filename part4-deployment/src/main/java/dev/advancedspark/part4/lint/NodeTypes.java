package dev.advancedspark.part4.lint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Node types (instance or machine types) by name, with the memory an executor container may use on
 * each. The lint finds the names a deployment file mentions ({@code m5.2xlarge}, {@code
 * n2-standard-8}, {@code Standard_E8ds_v5}) and checks the Spark memory requests against them.
 *
 * <p>Allocatable memory is what the node keeps for containers after the OS and the node's daemons.
 * Platforms publish it differently (EMR per instance type as YARN's {@code
 * yarn.nodemanager.resource.memory-mb}, Kubernetes per node as {@code Allocatable}); where the
 * catalog gives no figure, {@link #reservedMib} applies one stated rule to every platform: GKE's
 * published kube-reserved memory formula (25 % of the first 4 GiB, 20 % of the next 4 GiB, 10 % of
 * the next 8 GiB, 6 % of the next 112 GiB, 2 % above 128 GiB) plus a 100 MiB eviction threshold.
 */
public final class NodeTypes {

  /** One node type; {@code allocatableMib} already has the reserve taken off. */
  public record NodeType(
      String name, String platform, int vcpus, double memoryGib, long allocatableMib) {

    long memoryMib() {
      return (long) Math.floor(memoryGib * 1024);
    }
  }

  private final List<NodeType> types;

  private NodeTypes(List<NodeType> types) {
    this.types = List.copyOf(types);
  }

  /** The catalog shipped with the lint ({@code node-types.csv} next to this class). */
  public static NodeTypes builtIn() {
    try (InputStream in = NodeTypes.class.getResourceAsStream("node-types.csv")) {
      if (in == null) {
        throw new IllegalStateException("node-types.csv is missing from the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "node-types.csv");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A reader's own catalog: {@code name,platform,vcpus,memory_gib[,allocatable_mib]} lines. */
  public static NodeTypes fromFile(Path csv) throws IOException {
    return parse(Files.readString(csv), csv.toString());
  }

  static NodeTypes parse(String csv, String source) {
    List<NodeType> types = new ArrayList<>();
    String[] lines = csv.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length < 4) {
        throw new IllegalArgumentException(
            source
                + ":"
                + (i + 1)
                + ": expected name,platform,vcpus,memory_gib[,allocatable_mib], got '"
                + line
                + "'");
      }
      try {
        double gib = Double.parseDouble(f[3].strip());
        long memMib = (long) Math.floor(gib * 1024);
        long allocatable =
            f.length > 4 && !f[4].isBlank()
                ? Long.parseLong(f[4].strip())
                : memMib - reservedMib(memMib);
        types.add(
            new NodeType(
                f[0].strip(), f[1].strip(), Integer.parseInt(f[2].strip()), gib, allocatable));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            source + ":" + (i + 1) + ": not a number in '" + line + "'", e);
      }
    }
    return new NodeTypes(types);
  }

  /** Memory a node keeps for itself: GKE's kube-reserved rule plus a 100 MiB eviction threshold. */
  public static long reservedMib(long memoryMib) {
    double[][] bands = {{4096, 0.25}, {4096, 0.20}, {8192, 0.10}, {114688, 0.06}};
    double reserved = 0;
    double left = memoryMib;
    for (double[] band : bands) {
      double part = Math.min(left, band[0]);
      reserved += part * band[1];
      left -= part;
    }
    reserved += Math.max(0, left) * 0.02;
    return (long) Math.ceil(reserved) + 100;
  }

  public List<NodeType> all() {
    return types;
  }

  /** The node types whose name appears in {@code text} as a whole word. */
  public List<NodeType> namedIn(String text) {
    List<NodeType> named = new ArrayList<>();
    for (NodeType t : types) {
      Pattern p = Pattern.compile("(?<![\\w.-])" + Pattern.quote(t.name()) + "(?![\\w.-])");
      if (p.matcher(text).find()) {
        named.add(t);
      }
    }
    return named;
  }
}
