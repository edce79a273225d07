package com.audmg.drive.desktop.api;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;

/** Wraps a body publisher to report bytes handed to the wire and to abort when cancelled. */
final class CountingPublisher implements HttpRequest.BodyPublisher {

    private final HttpRequest.BodyPublisher delegate;
    private final Progress progress;
    private final Cancellation cancellation;

    CountingPublisher(HttpRequest.BodyPublisher delegate, Progress progress, Cancellation cancellation) {
        this.delegate = delegate;
        this.progress = progress;
        this.cancellation = cancellation;
    }

    @Override
    public long contentLength() {
        return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        long total = contentLength();
        delegate.subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;
            private long sent;
            private boolean done;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.subscription = s;
                subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(ByteBuffer item) {
                if (done) {
                    return;
                }
                if (cancellation.isCancelled()) {
                    done = true;
                    subscription.cancel();
                    subscriber.onError(new CancellationException("upload cancelled"));
                    return;
                }
                sent += item.remaining();
                subscriber.onNext(item);
                progress.update(sent, total);
            }

            @Override
            public void onError(Throwable t) {
                if (!done) {
                    done = true;
                    subscriber.onError(t);
                }
            }

            @Override
            public void onComplete() {
                if (!done) {
                    done = true;
                    subscriber.onComplete();
                }
            }
        });
    }
}
