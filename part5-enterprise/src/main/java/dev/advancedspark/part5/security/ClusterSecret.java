package dev.advancedspark.part5.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The shared secret of a standalone cluster, kept in a file readable by its owner only, never on a
 * command line (where {@code ps} shows it to every user of the machine).
 *
 * <p>Why not {@code spark.authenticate.secret.file}: Spark 4.2 accepts that setting on Kubernetes
 * only. On a standalone master the driver requires {@code spark.authenticate.secret} in its conf
 * ({@code SecurityManager.initializeAuth}: "A secret key must be specified via the
 * spark.authenticate.secret config") and {@code secretKeyFromFile} throws "Secret keys provided via
 * files is only allowed in Kubernetes mode". So the file is read here and the value is put into the
 * conf in code (drivers) or into a {@code --properties-file} with mode 600 (daemons); workers hand
 * it to executors in the environment variable {@code _SPARK_AUTH_SECRET}, not as an argument.
 */
public final class ClusterSecret {

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private ClusterSecret() {}

  /** Writes 32 random bytes, Base64-encoded, to {@code file} with mode 600 and returns them. */
  public static String generate(Path file) {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String secret = Base64.getEncoder().encodeToString(bytes);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the cluster secret to " + file, e);
    }
    return secret;
  }

  /**
   * The secret in {@code file} (surrounding whitespace removed).
   *
   * @throws IllegalArgumentException naming the file when it is missing, empty, or readable by
   *     others than its owner
   */
  public static String read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("No secret file at " + file.toAbsolutePath());
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw new IllegalArgumentException(
            "The secret file "
                + file.toAbsolutePath()
                + " is readable by others ("
                + PosixFilePermissions.toString(perms)
                + "): chmod 600 it");
      }
      String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw new IllegalArgumentException(
            "The secret file " + file.toAbsolutePath() + " is empty");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the secret file " + file, e);
    }
  }
}
