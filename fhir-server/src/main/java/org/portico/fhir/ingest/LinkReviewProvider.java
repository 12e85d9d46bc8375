package org.portico.fhir.ingest;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.portico.fhir.matching.MatchReviews;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;

/**
 * The operator's side of matching (ADR 0017), as server operations admitted like {@code $register-source}
 * ({@link IngestAuthorization}):
 * <ul>
 * <li>{@code GET [base]/$link-review}: the open review queue, one {@code review} per (source record,
 * person it might be) with the evidence;</li>
 * <li>{@code POST [base]/$link-confirm} and {@code $link-reject} ({@code review} = the review id);</li>
 * <li>{@code POST [base]/$link-undo} ({@code record} = the source's Patient record, {@code patient} = the
 * unified Patient it is linked to).</li>
 * </ul>
 */
public final class LinkReviewProvider {

    private final LinkDecisions decisions;

    public LinkReviewProvider(LinkDecisions decisions) {
        this.decisions = decisions;
    }

    @Operation(name = IngestAuthorization.LINK_REVIEW, idempotent = true)
    public Parameters review() {
        Parameters p = new Parameters();
        for (MatchReviews.Review review : decisions.queue()) {
            Parameters.ParametersParameterComponent item = p.addParameter().setName("review");
            item.addPart().setName("id").setValue(new StringType(review.id()));
            item.addPart().setName("source").setValue(new StringType(review.sourceId()));
            item.addPart().setName("record").setValue(new Reference("Patient/" + review.sourceRecordId()));
            item.addPart().setName("candidate").setValue(new Reference("Patient/" + review.candidatePatientId()));
            item.addPart().setName("evidence").setValue(new StringType(review.evidence()));
            item.addPart().setName("queued").setValue(new InstantType(java.util.Date.from(review.queued())));
        }
        return p;
    }

    @Operation(name = IngestAuthorization.LINK_CONFIRM, idempotent = false)
    public Parameters confirm(@OperationParam(name = "review", min = 1, max = 1) StringType review, RequestDetails request) {
        return answer("confirmed", decisions.confirm(required(review, "review"), operator(request)));
    }

    @Operation(name = IngestAuthorization.LINK_REJECT, idempotent = false)
    public Parameters reject(@OperationParam(name = "review", min = 1, max = 1) StringType review, RequestDetails request) {
        return answer("rejected", decisions.reject(required(review, "review"), operator(request)));
    }

    @Operation(name = IngestAuthorization.LINK_UNDO, idempotent = false)
    public Parameters undo(@OperationParam(name = "record", min = 1, max = 1) Reference record,
            @OperationParam(name = "patient", min = 1, max = 1) Reference patient, RequestDetails request) {
        return answer("undone", decisions.undo(patientId(record, "record"), patientId(patient, "patient"), operator(request)));
    }

    private static Parameters answer(String outcome, LinkDecisions.Outcome result) {
        Parameters p = new Parameters();
        p.addParameter().setName("outcome").setValue(new CodeType(outcome));
        p.addParameter().setName("record").setValue(new Reference("Patient/" + result.record()));
        if (result.from() != null) {
            p.addParameter().setName("from").setValue(new Reference("Patient/" + result.from()));
        }
        if (result.to() != null) {
            p.addParameter().setName("to").setValue(new Reference("Patient/" + result.to()));
        }
        if (result.moved() != null) {
            result.moved().moved().forEach(r -> p.addParameter().setName("moved").setValue(new Reference(r)));
            result.moved().split().forEach(r -> p.addParameter().setName("split").setValue(new StringType(r)));
            result.moved().folded().forEach(r -> p.addParameter().setName("folded").setValue(new StringType(r)));
        }
        return p;
    }

    private static String operator(RequestDetails request) {
        return BearerTokenInterceptor.token(request).map(VerifiedToken::clientId).orElse("unknown");
    }

    private static String required(StringType value, String name) {
        if (value == null || value.getValue() == null || value.getValue().isBlank()) {
            throw new InvalidRequestException("The parameter " + name + " is required");
        }
        return value.getValue().trim();
    }

    private static String patientId(Reference reference, String name) {
        String value = reference == null ? null : reference.getReference();
        if (value == null || !value.matches("Patient/[A-Za-z0-9\\-.]{1,64}")) {
            throw new InvalidRequestException("The parameter " + name + " must be a reference Patient/[id]");
        }
        return value.substring("Patient/".length());
    }
}
