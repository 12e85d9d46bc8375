package org.portico.auth.mfa;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.security.web.webauthn.api.AttestationConveyancePreference;
import org.springframework.security.web.webauthn.api.AuthenticationExtensionsClientInputs;
import org.springframework.security.web.webauthn.api.AuthenticatorAttachment;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialParameters;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.registration.PublicKeyCredentialCreationOptionsRepository;

/**
 * Keeps a passkey registration's options in the HTTP session between the options request and the
 * registration, as Spring's own repository does, but as a {@link Serializable} snapshot: sessions are in the
 * database (Spring Session JDBC, Java serialization) and Spring Security 6.5's options class is not
 * serializable. The snapshot holds every field and is rebuilt with Spring's builders.
 */
final class SessionCreationOptions implements PublicKeyCredentialCreationOptionsRepository {

    static final String ATTRIBUTE = SessionCreationOptions.class.getName();

    private static final List<PublicKeyCredentialParameters> KNOWN_PARAMETERS = List.of(
            PublicKeyCredentialParameters.EdDSA, PublicKeyCredentialParameters.ES256, PublicKeyCredentialParameters.ES384,
            PublicKeyCredentialParameters.ES512, PublicKeyCredentialParameters.RS256, PublicKeyCredentialParameters.RS384,
            PublicKeyCredentialParameters.RS512, PublicKeyCredentialParameters.RS1);

    record Snapshot(String rpName, String rpId, PublicKeyCredentialUserEntity user, Bytes challenge, ArrayList<Long> algorithms,
            Duration timeout, ArrayList<PublicKeyCredentialDescriptor> excludeCredentials, String attachment,
            String residentKey, String userVerification, String attestation, AuthenticationExtensionsClientInputs extensions)
            implements Serializable {}

    @Override
    public void save(HttpServletRequest request, HttpServletResponse response, PublicKeyCredentialCreationOptions options) {
        if (options == null) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.removeAttribute(ATTRIBUTE);
            }
            return;
        }
        AuthenticatorSelectionCriteria selection = options.getAuthenticatorSelection();
        request.getSession().setAttribute(ATTRIBUTE, new Snapshot(
                options.getRp().getName(), options.getRp().getId(), options.getUser(), options.getChallenge(),
                new ArrayList<>(options.getPubKeyCredParams().stream().map(p -> p.getAlg().getValue()).toList()),
                options.getTimeout(),
                options.getExcludeCredentials() == null ? null : new ArrayList<>(options.getExcludeCredentials()),
                selection == null || selection.getAuthenticatorAttachment() == null ? null : selection.getAuthenticatorAttachment().getValue(),
                selection == null || selection.getResidentKey() == null ? null : selection.getResidentKey().getValue(),
                selection == null || selection.getUserVerification() == null ? null : selection.getUserVerification().getValue(),
                options.getAttestation() == null ? null : options.getAttestation().getValue(),
                options.getExtensions()));
    }

    @Override
    public PublicKeyCredentialCreationOptions load(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(ATTRIBUTE) instanceof Snapshot s)) {
            return null;
        }
        AuthenticatorSelectionCriteria.AuthenticatorSelectionCriteriaBuilder selection = AuthenticatorSelectionCriteria.builder();
        if (s.attachment() != null) {
            selection.authenticatorAttachment(AuthenticatorAttachment.valueOf(s.attachment()));
        }
        if (s.residentKey() != null) {
            selection.residentKey(ResidentKeyRequirement.valueOf(s.residentKey()));
        }
        if (s.userVerification() != null) {
            selection.userVerification(Stream.of(UserVerificationRequirement.DISCOURAGED, UserVerificationRequirement.PREFERRED,
                    UserVerificationRequirement.REQUIRED).filter(u -> u.getValue().equals(s.userVerification())).findFirst().orElseThrow());
        }
        PublicKeyCredentialCreationOptions.PublicKeyCredentialCreationOptionsBuilder options = PublicKeyCredentialCreationOptions.builder()
                .rp(PublicKeyCredentialRpEntity.builder().name(s.rpName()).id(s.rpId()).build())
                .user(s.user())
                .challenge(s.challenge())
                .pubKeyCredParams(s.algorithms().stream()
                        .flatMap(alg -> KNOWN_PARAMETERS.stream().filter(p -> p.getAlg().getValue() == alg))
                        .toList())
                .timeout(s.timeout())
                .excludeCredentials(s.excludeCredentials() == null ? List.of() : s.excludeCredentials())
                .authenticatorSelection(selection.build())
                .extensions(s.extensions());
        if (s.attestation() != null) {
            options.attestation(AttestationConveyancePreference.valueOf(s.attestation()));
        }
        return options.build();
    }
}
