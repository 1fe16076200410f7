package dev.advancedspark.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void aFreePortIsFreeUntilSomethingBindsIt() throws Exception {
    int port = Ports.freePort();
    assertThat(port).isBetween(1, 65535);
    assertThat(Ports.isFree(port)).isTrue();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port));
      assertThat(Ports.isFree(port)).isFalse();
    }
    assertThatThrownBy(() -> Ports.isFree(70_000)).hasMessageContaining("1..65535");
  }
}
