package org.portico.conformance.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time a server spends, read from outside: its JVM process (request threads, GC and JIT alike,
 * from {@code ProcessHandle}) plus the PostgreSQL backends connected to its database (from
 * {@code /proc}, so only when PostgreSQL runs on this machine). The load generator's CPU is not counted,
 * which makes these figures steadier than throughput when other work shares the machine.
 */
final class ServerCpu {

    /** Linux's USER_HZ, the unit of utime and stime in /proc/PID/stat. */
    private static final long CLOCK_TICK_NANOS = 10_000_000L;

    private final long pid;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String database;

    ServerCpu(long pid, String jdbcUrl, String user, String password, String database) {
        this.pid = pid;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.database = database;
    }

    long nanos() {
        long jvm = ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        return jvm + postgresNanos();
    }

    /** Resident memory of the JVM in MiB ({@code VmRSS}, or {@code VmHWM} for the peak), 0 if unknown. */
    long residentMib(boolean peak) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(peak ? "VmHWM:" : "VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return 0;
    }

    private long postgresNanos() {
        long ticks = 0;
        for (long backend : backends()) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(backend), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (IOException | RuntimeException gone) {
                // a backend that ended, or PostgreSQL on another machine
            }
        }
        return ticks * CLOCK_TICK_NANOS;
    }

    private List<Long> backends() {
        List<Long> pids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             PreparedStatement s = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, database);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    pids.add(r.getLong(1));
                }
            }
        } catch (SQLException e) {
            // no figures for PostgreSQL then
        }
        return pids;
    }
}
