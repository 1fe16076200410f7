package dev.advancedspark.common.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the standalone Master reports about itself at {@code http://<host>:<webui>/json/}: the same
 * data as its web UI's front page.
 *
 * @param url the master URL applications connect to ({@code spark://127.0.0.1:port})
 * @param status {@code ALIVE} once the master has finished starting (or recovering)
 * @param aliveWorkers workers registered and sending heartbeats
 * @param workers every worker the master knows, alive or dead
 * @param activeApps applications holding resources now
 */
public record MasterStatus(
    String url, String status, int aliveWorkers, List<Worker> workers, List<App> activeApps) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public MasterStatus {
    workers = List.copyOf(workers);
    activeApps = List.copyOf(activeApps);
  }

  /** A worker as the master sees it. */
  public record Worker(
      String id, String host, int port, String state, int cores, int coresUsed, int memoryMb) {}

  /** An application as the master sees it. */
  public record App(String id, String name, String state, int cores) {}

  /** Parses the master's JSON status page. */
  public static MasterStatus parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Not a Spark master status document: " + json, e);
    }
    List<Worker> workers = new ArrayList<>();
    for (JsonNode w : root.path("workers")) {
      workers.add(
          new Worker(
              w.path("id").asText(),
              w.path("host").asText(),
              w.path("port").asInt(),
              w.path("state").asText(),
              w.path("cores").asInt(),
              w.path("coresused").asInt(),
              w.path("memory").asInt()));
    }
    List<App> apps = new ArrayList<>();
    for (JsonNode a : root.path("activeapps")) {
      apps.add(
          new App(
              a.path("id").asText(),
              a.path("name").asText(),
              a.path("state").asText(),
              a.path("cores").asInt()));
    }
    return new MasterStatus(
        root.path("url").asText(),
        root.path("status").asText(),
        root.path("aliveworkers").asInt(),
        workers,
        apps);
  }

  /** True when the master is up and at least {@code n} workers are alive. */
  public boolean hasAliveWorkers(int n) {
    return "ALIVE".equals(status) && aliveWorkers >= n;
  }
}
