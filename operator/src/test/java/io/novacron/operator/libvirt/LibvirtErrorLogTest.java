package io.novacron.operator.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.slf4j.LoggerFactory;

/** libvirt's own test driver, in process. */
class LibvirtErrorLogTest {
  @Test
  void aFailedLookupReachesOurLogAndStillThrows() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(LibvirtErrorLog.class);
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    logger.setLevel(Level.DEBUG);
    LibvirtErrorLog.install();
    LibvirtErrorLog.install(); // a second call changes nothing
    Connect conn = new Connect("test:///default");
    try {
      assertThatThrownBy(
              () -> conn.domainLookupByUUIDString("00000000-0000-0000-0000-0000000000ad"))
          .isInstanceOf(LibvirtException.class)
          .hasMessageContaining("Domain not found");
      assertThat(events.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(m -> m.startsWith("libvirt: Domain not found"));
    } finally {
      conn.close();
      logger.detachAppender(events);
      logger.setLevel(before);
    }
  }
}
