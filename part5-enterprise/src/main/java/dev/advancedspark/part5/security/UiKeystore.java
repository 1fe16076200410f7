package dev.advancedspark.part5.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed PKCS12 keystore for the Spark UI, made with the {@code keytool} of the running JDK,
 * so a test (or a laptop demo) needs no certificate authority. Production uses a certificate from
 * your CA; the Spark settings are the same.
 */
public final class UiKeystore {

  private UiKeystore() {}

  /**
   * Creates {@code file} with one key pair for {@code CN=127.0.0.1} (subject alternative name IP
   * 127.0.0.1), valid {@code days} days.
   */
  public static Path generate(Path file, String password, int days) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process p =
          new ProcessBuilder(
                  List.of(
                      keytool.toString(),
                      "-genkeypair",
                      "-alias",
                      "spark-ui",
                      "-keyalg",
                      "RSA",
                      "-keysize",
                      "2048",
                      "-validity",
                      String.valueOf(days),
                      "-dname",
                      "CN=127.0.0.1",
                      "-ext",
                      "SAN=ip:127.0.0.1",
                      "-storetype",
                      "PKCS12",
                      "-keystore",
                      file.toString(),
                      "-storepass",
                      password,
                      "-keypass",
                      password))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool did not finish within 60 s");
      }
      if (p.exitValue() != 0 || !Files.exists(file)) {
        throw new IllegalStateException("keytool failed (" + p.exitValue() + "): " + out.strip());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run keytool for " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running keytool", e);
    }
  }

  /** An SSL context that trusts exactly the certificate in {@code keystore} (for the client). */
  public static SSLContext trusting(Path keystore, String password) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the keystore " + keystore, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot use the keystore " + keystore + ": " + e, e);
    }
  }
}
