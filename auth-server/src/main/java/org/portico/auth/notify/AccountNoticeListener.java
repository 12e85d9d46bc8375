package org.portico.auth.notify;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Delivers {@link AccountNotice}s: by email to the account's proven address, else by SMS to its proven
 * phone (the contacts recorded at proofing; an account with neither, e.g. a demo user, gets nothing).
 * Texts are {@code notice.<kind>} in the account's language: {@code {0}} the account's name, {@code {1}}
 * when (UTC), {@code {2}} the detail of the kind (app, device or method; empty when there is none).
 */
@Component
public class AccountNoticeListener {

    private static final Logger log = LoggerFactory.getLogger(AccountNoticeListener.class);

    private final UserAccounts accounts;
    private final Messenger messenger;

    public AccountNoticeListener(UserAccounts accounts, Messenger messenger) {
        this.accounts = accounts;
        this.messenger = messenger;
    }

    @EventListener
    public void on(AccountNotice notice) {
        UserAccount account = accounts.findById(notice.userId()).orElse(null);
        if (account == null) {
            log.warn("account notice {} for an unknown account: not sent", notice.kind());
            return;
        }
        String key = key(notice.kind());
        String when = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(account.locale())
                .format(notice.at().atZone(ZoneOffset.UTC)) + " UTC";
        Object[] args = {account.displayName(), when, detail(notice)};
        if (account.email() != null) {
            messenger.email(account.email(), account.locale(), key, args);
        } else if (account.phone() != null) {
            messenger.sms(account.phone(), account.locale(), key, args);
        } else {
            log.info("account notice {}: the account has no contact on file", notice.kind());
        }
    }

    static String key(AccountNotice.Kind kind) {
        return switch (kind) {
            case NEW_DEVICE -> "notice.newDevice";
            case PASSWORD_CHANGED -> "notice.passwordChanged";
            case MFA_CHANGED -> "notice.mfaChanged";
            case APP_AUTHORIZED -> "notice.appAuthorized";
            case ACCOUNT_LOCKED -> "notice.accountLocked";
            case PROXY_GRANTED -> "notice.proxyGranted";
            case PROXY_NARROWED -> "notice.proxyNarrowed";
            case PROXY_ENDED -> "notice.proxyEnded";
            case PATIENT_PROXY_NARROWED -> "notice.patientProxyNarrowed";
            case PATIENT_TAKE_OVER -> "notice.patientTakeOver";
            case PATIENT_PROXY_ENDED -> "notice.patientProxyEnded";
        };
    }

    private static String detail(AccountNotice notice) {
        return switch (notice.kind()) {
            case NEW_DEVICE -> notice.details().getOrDefault("device", "");
            case MFA_CHANGED -> notice.details().getOrDefault("method", "");
            case APP_AUTHORIZED -> notice.details().getOrDefault("app", "");
            case PROXY_GRANTED, PROXY_NARROWED, PROXY_ENDED, PATIENT_PROXY_NARROWED, PATIENT_TAKE_OVER, PATIENT_PROXY_ENDED ->
                    notice.details().getOrDefault("person", "");
            default -> "";
        };
    }
}
