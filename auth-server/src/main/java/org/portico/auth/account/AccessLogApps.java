package org.portico.auth.account;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.registration.RegisteredApps;
import org.portico.auth.tokens.PortalTokens;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Groups access-log entries per app (in the order of each app's latest access) and names the apps and
 * people as the connected-apps page does: the registered client name, else the client id; apps that
 * were deleted or never reviewed are marked; the portal's own reads are "You (Portico portal)".
 */
@Component
public class AccessLogApps {

    private final RegisteredClientRepository clients;
    private final UserAccounts users;
    private final AccessDescriptions descriptions;
    private final MessageSource messages;

    public AccessLogApps(RegisteredClientRepository clients, UserAccounts users, AccessDescriptions descriptions,
                         MessageSource messages) {
        this.clients = clients;
        this.users = users;
        this.descriptions = descriptions;
        this.messages = messages;
    }

    /** One app's part of the page. */
    public record AppGroup(String clientId, String name, boolean portal, boolean unregistered, boolean verified, List<Row> entries) {}

    /** One access: when (shown and ISO), what happened, by whom (null: the signed-in user or nobody to name), outcome. */
    public record Row(String when, String whenIso, String what, String byWhom, String outcome, boolean refused) {}

    /** @param entries newest first */
    public List<AppGroup> group(List<AccessEntry> entries, UserAccount viewer, ZoneId zone, DateTimeFormatter format) {
        Map<String, List<AccessEntry>> byClient = new LinkedHashMap<>();
        for (AccessEntry entry : entries) {
            byClient.computeIfAbsent(Objects.requireNonNullElse(entry.clientId(), ""), k -> new ArrayList<>()).add(entry);
        }
        Map<String, Optional<String>> names = new LinkedHashMap<>();
        List<AppGroup> groups = new ArrayList<>();
        byClient.forEach((clientId, appEntries) -> {
            List<Row> rows = appEntries.stream().map(e -> new Row(
                    e.recorded() == null ? text("accessLog.whenUnknown") : format.format(e.recorded().atZone(zone)),
                    e.recorded() == null ? null : e.recorded().toString(),
                    descriptions.describe(e),
                    byWhom(e, viewer, names),
                    descriptions.outcome(e),
                    !e.succeeded())).toList();
            if (clientId.isEmpty()) {
                groups.add(new AppGroup(null, text("accessLog.noApp"), false, false, true, rows));
            } else if (PortalTokens.CLIENT_ID.equals(clientId)) {
                groups.add(new AppGroup(clientId, text("accessLog.portal"), true, false, true, rows));
            } else {
                RegisteredClient client = clients.findByClientId(clientId);
                groups.add(client == null
                        ? new AppGroup(clientId, clientId, false, true, true, rows)
                        : new AppGroup(clientId, client.getClientName() == null ? clientId : client.getClientName(), false, false,
                                RegisteredApps.isVerified(client), rows));
            }
        });
        return groups;
    }

    /** Null when it was the viewer; a name when another Portico user did it; a phrase otherwise. */
    private String byWhom(AccessEntry entry, UserAccount viewer, Map<String, Optional<String>> names) {
        String sub = entry.userSubject();
        if (sub == null) {
            return text("accessLog.byApp");
        }
        if (sub.equals(viewer.id())) {
            return null;
        }
        return names.computeIfAbsent(sub, s -> users.findById(s).map(UserAccount::displayName))
                .orElseGet(() -> text("accessLog.bySomeoneElse"));
    }

    private String text(String key) {
        return messages.getMessage(key, null, LocaleContextHolder.getLocale());
    }
}
