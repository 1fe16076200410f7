package dev.advancedspark.part5.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.network.TransportContext;
import org.apache.spark.network.client.TransportClient;
import org.apache.spark.network.client.TransportClientFactory;
import org.apache.spark.network.crypto.AuthClientBootstrap;
import org.apache.spark.network.sasl.SecretKeyHolder;
import org.apache.spark.network.server.NoOpRpcHandler;
import org.apache.spark.network.util.MapConfigProvider;
import org.apache.spark.network.util.TransportConf;

/**
 * Opens one connection to a Spark RPC port (a master, worker, driver or executor) the way a Spark
 * process does: the AES-based authentication handshake of {@code spark.network.crypto} with a given
 * secret, then an encrypted channel. It answers in milliseconds whether the server accepts that
 * secret, where a whole SparkContext with a wrong secret only gives up after about a minute.
 */
public final class RpcAuthProbe {

  /** The SASL user every Spark process presents ({@code SecurityManager.getSaslUser()}). */
  static final String SPARK_SASL_USER = "sparkSaslUser";

  /**
   * What the server said.
   *
   * @param accepted the handshake succeeded and the channel is open
   * @param message why not (the client's exception, first line), or "accepted"
   */
  public record Result(boolean accepted, String message) {}

  private RpcAuthProbe() {}

  /** The client settings for the handshake: AES/GCM, auth engine v2, no fallback to SASL. */
  public static Map<String, String> clientConf(int timeoutSeconds) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.network.crypto.enabled", "true");
    conf.put("spark.network.crypto.cipher", "AES/GCM/NoPadding");
    conf.put("spark.network.crypto.authEngineVersion", "2");
    // Without this a failed AES handshake is retried with SASL DIGEST-MD5.
    conf.put("spark.network.crypto.saslFallback", "false");
    conf.put("spark.rpc.io.connectionTimeout", timeoutSeconds + "s");
    conf.put("spark.rpc.io.connectionCreationTimeout", timeoutSeconds + "s");
    conf.put("spark.rpc.io.numConnectionsPerPeer", "1");
    return conf;
  }

  /**
   * Connects to {@code host:port} presenting {@code secret}; never waits longer than the timeout.
   */
  public static Result connect(String host, int port, String secret, int timeoutSeconds) {
    TransportConf conf =
        new TransportConf("rpc", new MapConfigProvider(clientConf(timeoutSeconds)));
    SecretKeyHolder keys =
        new SecretKeyHolder() {
          @Override
          public String getSaslUser(String appId) {
            return SPARK_SASL_USER;
          }

          @Override
          public String getSecretKey(String appId) {
            return secret;
          }
        };
    try (TransportContext context = new TransportContext(conf, new NoOpRpcHandler());
        TransportClientFactory factory =
            context.createClientFactory(
                List.of(new AuthClientBootstrap(conf, SPARK_SASL_USER, keys)))) {
      TransportClient client = factory.createClient(host, port);
      boolean active = client.isActive();
      client.close();
      return new Result(active, active ? "accepted" : "channel closed after the handshake");
    } catch (Exception e) {
      // Exception: createClient throws IOException and Spark's unchecked wrappers.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      // First lines only: the server sends its own stack trace inside the error message.
      String msg = firstLine(e.getMessage() == null ? e.toString() : e.getMessage());
      String rootMsg = firstLine(root.toString());
      return new Result(false, msg.contains(rootMsg) ? msg : msg + " (" + rootMsg + ")");
    }
  }

  private static String firstLine(String s) {
    return s.lines().findFirst().orElse("").strip();
  }
}
