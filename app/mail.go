package app

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/mail"
	"github.com/kefu/kefu/notify"
)

// mailQueueSize is how many emails wait to be sent at most; past it a new
// one is dropped and logged.
const mailQueueSize = 500

// startMail starts the mail queue and the reply emails for KEFU_SMTP_URL.
func (m *Main) startMail(cfg config.Config, issuer *auth.Issuer) error {
	srv, err := mail.ParseURL(cfg.SMTPURL)
	if err != nil {
		return fmt.Errorf("KEFU_SMTP_URL: %w", err)
	}
	m.mailq = mail.NewQueue(mail.NewSender(srv, 0), mailQueueSize, nil, m.Logger.With("part", "mail"))
	m.replies = notify.NewReplies(m.store, m.mailq, issuer, m.Config.PublicURL, m.Logger)
	m.Logger.Info("email on", "smtp", srv.String(), "from", srv.From.Address)
	if cfg.UnansweredAlertMinutes > 0 {
		after := time.Duration(cfg.UnansweredAlertMinutes) * time.Minute
		alerts := notify.NewAlerts(m.store, m.mailq, after, m.Config.PublicURL, m.Logger.With("part", "alerts"))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			alerts.Run(ctx)
		}()
		m.stopAlerts = func() { cancel(); <-done }
		m.Logger.Info("unanswered alerts on", "after", after)
	}
	return nil
}

// stopMail lets the emails being written reach the queue, and sends what
// is queued while ctx lasts.
func (m *Main) stopMail(ctx context.Context) {
	if m.stopAlerts != nil {
		m.stopAlerts()
	}
	if m.replies != nil {
		m.replies.Wait()
	}
	if m.mailq != nil {
		m.mailq.Close(ctx)
	}
}
