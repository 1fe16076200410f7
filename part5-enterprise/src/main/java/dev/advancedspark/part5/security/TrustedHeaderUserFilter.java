package dev.advancedspark.part5.security;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A UI authentication filter ({@code spark.ui.filters}) that takes the user name from the {@code
 * X-Forwarded-User} header set by an authenticating reverse proxy (oauth2-proxy, an SSO gateway) in
 * front of the Spark UI, and refuses requests without it.
 *
 * <p>Why a filter at all: Spark's UI ACLs ({@code spark.acls.enable}, {@code spark.ui.view.acls})
 * check the request's remote user, and {@code SecurityManager.isUserInACL} lets a {@code null} user
 * through ("it is assumed authentication is off"). Without a filter that authenticates, every
 * anonymous request passes the ACLs.
 *
 * <p>Trust the header only when the UI port is reachable from the proxy alone (here: 127.0.0.1).
 */
public final class TrustedHeaderUserFilter implements Filter {

  public static final String HEADER = "X-Forwarded-User";

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    String user = http.getHeader(HEADER);
    if (user == null || user.isBlank()) {
      ((HttpServletResponse) response)
          .sendError(HttpServletResponse.SC_UNAUTHORIZED, "missing " + HEADER);
      return;
    }
    chain.doFilter(
        new HttpServletRequestWrapper(http) {
          @Override
          public String getRemoteUser() {
            return user.strip();
          }
        },
        response);
  }
}
