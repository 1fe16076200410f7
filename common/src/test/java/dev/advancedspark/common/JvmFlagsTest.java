package dev.advancedspark.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.advancedspark.common.cluster.SparkDaemons;
import dev.advancedspark.common.testkit.SparkVersion;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

class JvmFlagsTest {

  @Test
  void theFlagsInThePomAreSparksOwnJava17List() {
    // given the root pom's spark.jvm.flags (Surefire passes it in; bin/run-example reads the pom)
    String fromPom = System.getProperty("spark.jvm.flags");

    // then they are exactly Spark's list, so an upgrade of Spark that changes it fails here
    assertThat(fromPom).as("run the tests through Maven: it passes spark.jvm.flags").isNotBlank();
    assertThat(List.of(fromPom.trim().split("\\s+")))
        .containsExactlyElementsOf(
            List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
  }

  @Test
  void aC1OnlyJvmGetsTheCodeCacheOfATieredOne() {
    // given this test JVM (the root pom's test.jit) and the options of the JVMs the tests start
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    long codeCache = Long.parseLong(vm.getVMOption("ReservedCodeCacheSize").getValue());

    // then C1 alone, which would reserve 48 MB and flush and recompile Spark's code over and
    // over, comes with a code cache at least as large as tiered compilation's 240 MB
    if ("1".equals(vm.getVMOption("TieredStopAtLevel").getValue())) {
      assertThat(codeCache).isGreaterThanOrEqualTo(240L << 20);
    }
    assertThat(SparkDaemons.SMALL_JVM_OPTIONS)
        .contains("-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m");
  }

  @Test
  void binRunExampleRunsSparkWithTheSameFlags() throws IOException, InterruptedException {
    // given the launcher readers use (it reads the flags from the root pom, without building)
    Path script = Path.of("..", "bin", "run-example").toAbsolutePath().normalize();

    // when it is asked which flags it passes to java
    // (output to a file, so that waitFor's deadline applies: reading a pipe first would block
    // for as long as the script runs)
    Path output = Files.createTempFile(Path.of("target"), "print-java-flags", ".txt");
    Process p =
        new ProcessBuilder("bash", script.toString(), "--print-java-flags")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean ended = p.waitFor(30, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(output, StandardCharsets.UTF_8).trim();
    assertThat(ended).as("bin/run-example --print-java-flags ended within 30 s: " + out).isTrue();

    // then they are the default line's list (the root pom's own property: bin/run-example builds
    // without a profile), not an unresolved ${...} and not a profile's list
    assertThat(p.exitValue()).as(out).isZero();
    Map<String, String> defaults = rootPomProperties();
    assertThat(List.of(out.split("\\s+")))
        .containsExactlyElementsOf(List.of(defaults.get("spark.jvm.flags").trim().split("\\s+")));
    // and, when the tests run on that default line, exactly the list of the Spark they run on
    if (SparkVersion.current().equals(defaults.get("spark.version"))) {
      assertThat(List.of(out.split("\\s+")))
          .containsExactlyElementsOf(
              List.of(JavaModuleOptions.defaultModuleOptions().trim().split("\\s+")));
    }
  }

  /** The root pom's top-level properties (the default line), not those of its profiles. */
  private static Map<String, String> rootPomProperties() {
    try {
      Path pom = Path.of("..", "pom.xml").toAbsolutePath().normalize();
      Element project =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(pom.toFile())
              .getDocumentElement();
      Map<String, String> props = new HashMap<>();
      for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().equals("properties")) {
          for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element p) {
              props.put(p.getTagName(), p.getTextContent());
            }
          }
        }
      }
      return props;
    } catch (IOException | ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("cannot read the root pom.xml", e);
    }
  }
}
