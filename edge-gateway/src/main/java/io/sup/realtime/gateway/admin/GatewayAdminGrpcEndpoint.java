package io.sup.realtime.gateway.admin;

import java.util.Optional;
import java.util.OptionalLong;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.proto.gateway.v1.GatewayAdminServiceGrpc;
import io.sup.realtime.proto.gateway.v1.RevokeTokensRequest;
import io.sup.realtime.proto.gateway.v1.RevokeTokensResponse;

/**
 * {@code sup.gateway.v1.GatewayAdminService}, proto <-> {@link TokenRevocations}; domain
 * errors become statuses in the platform's {@code ErrorMappingInterceptor}.
 */
public final class GatewayAdminGrpcEndpoint extends GatewayAdminServiceGrpc.GatewayAdminServiceImplBase {
    private final TokenRevocations revocations;

    /** @param revocations the revocation rules */
    public GatewayAdminGrpcEndpoint(TokenRevocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public void revokeTokens(RevokeTokensRequest request, StreamObserver<RevokeTokensResponse> response) {
        int told = revocations.revoke(request.getUserId(),
                request.hasIssuedBeforeMs() ? OptionalLong.of(request.getIssuedBeforeMs()) : OptionalLong.empty(),
                request.getTokenId().isEmpty() ? Optional.empty() : Optional.of(request.getTokenId()));
        response.onNext(RevokeTokensResponse.newBuilder().setConnectionsChecked(told).build());
        response.onCompleted();
    }
}
