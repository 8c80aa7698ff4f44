package io.sup.realtime.calls.grpc;

import java.util.Optional;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.calls.history.CallHistory;
import io.sup.realtime.calls.signalling.CallStore;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.proto.calls.v1.Call;
import io.sup.realtime.proto.calls.v1.CallAdminServiceGrpc;
import io.sup.realtime.proto.calls.v1.GetCallRequest;
import io.sup.realtime.proto.calls.v1.ListCallHistoryRequest;
import io.sup.realtime.proto.calls.v1.ListCallHistoryResponse;
import io.sup.realtime.proto.calls.v1.ListMissedCallsRequest;
import io.sup.realtime.proto.calls.v1.ListMissedCallsResponse;

/**
 * {@code sup.calls.v1.CallAdminService}: calls, history and missed calls for internal
 * backends (no caller, no visibility rule), proto <-> domain.
 */
public final class CallAdminGrpcEndpoint extends CallAdminServiceGrpc.CallAdminServiceImplBase {
    private static final int DEFAULT_PAGE = 50;
    private static final int DEFAULT_MISSED_PAGE = 100;

    private final CallStore calls;
    private final CallHistory history;

    /**
     * @param calls   calls as stored
     * @param history who called whom
     */
    public CallAdminGrpcEndpoint(CallStore calls, CallHistory history) {
        this.calls = calls;
        this.history = history;
    }

    @Override
    public void getCall(GetCallRequest request, StreamObserver<Call> response) {
        if (!Ids.isValid(request.getCallId())) {
            throw ServiceException.invalidArgument("call_id is malformed");
        }
        response.onNext(ProtoMapping.call(calls.read(request.getCallId())
                .orElseThrow(() -> ServiceException.notFound("no such call"))));
        response.onCompleted();
    }

    @Override
    public void listCallHistory(ListCallHistoryRequest request, StreamObserver<ListCallHistoryResponse> response) {
        int limit = request.getLimit() == 0 ? DEFAULT_PAGE : request.getLimit();
        Optional<Long> before = request.getBefore().isEmpty() ? Optional.empty()
                : Optional.of(ProtoMapping.millis("before", request.getBefore()));
        CallHistory.Page page = history.list(request.getUserId(), limit, before,
                request.getPageToken().isEmpty() ? Optional.empty() : Optional.of(request.getPageToken()));
        ListCallHistoryResponse.Builder reply = ListCallHistoryResponse.newBuilder();
        page.entries().forEach(e -> reply.addEntries(ProtoMapping.historyEntry(e)));
        page.nextPageToken().ifPresent(reply::setNextPageToken);
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void listMissedCalls(ListMissedCallsRequest request, StreamObserver<ListMissedCallsResponse> response) {
        int limit = request.getLimit() == 0 ? DEFAULT_MISSED_PAGE : request.getLimit();
        ListMissedCallsResponse.Builder reply = ListMissedCallsResponse.newBuilder();
        history.missedAfter(request.getAfter().isEmpty() ? Optional.empty() : Optional.of(request.getAfter()), limit)
                .forEach(m -> reply.addMissedCalls(ProtoMapping.missedCall(m)));
        response.onNext(reply.build());
        response.onCompleted();
    }
}
