package dev.advancedspark.part4.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD mock API server, taught one thing a real API server does: a server-side apply
 * ({@code PATCH} with {@code application/apply-patch+yaml}) of an object that does not exist yet
 * creates it. Spark's Kubernetes submission applies its config maps and the driver service that
 * way; the stock CRUD dispatcher answers 404 (fabric8 issues 5337 and 5360).
 */
final class ApplyAsCreateDispatcher extends KubernetesCrudDispatcher {

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    // Reading a body consumes it: keep a copy for the create.
    byte[] body = request.getBody().getBytes().clone();
    MockResponse response = super.handlePatch(request);
    String type = request.getHeader("Content-Type");
    if (response.code() != 404 || type == null || !type.startsWith("application/apply-patch")) {
      return response;
    }
    String path = request.getPath();
    int query = path.indexOf('?');
    String resource = query < 0 ? path : path.substring(0, query);
    String collection = resource.substring(0, resource.lastIndexOf('/'));
    return handleCreate(
        new RecordedRequest(
            request.getHttpVersion(),
            HttpMethod.POST,
            collection,
            request.getHeaders(),
            new Buffer(body)));
  }
}
