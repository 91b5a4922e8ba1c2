package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/attach"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

type widgetConfig struct {
	Site string `json:"site"`
	Name string `json:"name"`
	Logo string `json:"logo,omitempty"`
	// OfflineMessage is the site's words for outside business hours, in
	// the visitor's language; empty: the widget's own.
	OfflineMessage string             `json:"offline_message,omitempty"`
	Color          string             `json:"color"`
	Position       string             `json:"position"`
	Lang           string             `json:"lang"`
	Languages      []string           `json:"languages,omitempty"`
	Greeting       string             `json:"greeting"`
	Topics         []topicView        `json:"topics"`
	BusinessHours  chat.BusinessHours `json:"business_hours"`
	OpenNow        bool               `json:"open_now"`
	AgentsOnline   bool               `json:"agents_online"`
	// Offline is what the widget offers while no agent is online: "chat"
	// or "form".
	Offline string `json:"offline"`
	// ReplyMinutes is how long agents usually take to answer a new chat,
	// rounded up; absent while too few chats were answered to say.
	ReplyMinutes int `json:"reply_minutes,omitempty"`
	// Files is what the widget checks before it uploads.
	Files filesConfig `json:"files"`
}

// filesConfig is a site's file policy as the widget needs it: the
// largest file, the files one message carries, and what the file picker
// offers (its accept attribute). The server checks them all again.
type filesConfig struct {
	MaxBytes   int64  `json:"max_bytes"`
	PerMessage int    `json:"per_message"`
	Accept     string `json:"accept"`
}

func newFilesConfig(f chat.FilePolicy) filesConfig {
	p := attach.PolicyOf(f)
	return filesConfig{MaxBytes: p.MaxBytes, PerMessage: f.Effective().PerMessage, Accept: p.Accept()}
}

type topicView struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// pickExact returns m's value for lang or its base language, or "".
func pickExact(m map[string]string, lang string) string {
	if v, ok := m[lang]; ok {
		return v
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		return m[base]
	}
	return ""
}

// pick returns m's value for lang, then its base language, then def's.
func pick(m map[string]string, lang, def string) string {
	if v, ok := m[lang]; ok {
		return v
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if v, ok := m[base]; ok {
			return v
		}
	}
	if v, ok := m[def]; ok {
		return v
	}
	return m["en"]
}

func (s *Server) handleWidgetConfig(c *fiber.Ctx) error {
	site := siteOf(c)
	w := site.Widget
	lang := c.Query("lang")
	if lang == "" || len(lang) > 16 {
		lang = w.DefaultLang
	}
	cfg := widgetConfig{
		Site:           site.Key,
		Name:           site.Name,
		Logo:           logoURL(site),
		OfflineMessage: pickExact(w.OfflineMessage, lang),
		Color:          w.Color,
		Position:       w.Position,
		Lang:           lang,
		Languages:      w.Languages,
		Greeting:       pickExact(w.Greeting, lang), // else the widget greets in its own words
		Topics:         make([]topicView, 0, len(w.Topics)),
		BusinessHours:  w.BusinessHours,
		OpenNow:        chat.OpenAt(w.BusinessHours, s.opts.Now()),
		AgentsOnline:   s.hub.presence.online(site.Key),
		Offline:        chat.OfflineChat,
		Files:          newFilesConfig(site.Files),
	}
	if w.Offline == chat.OfflineForm {
		cfg.Offline = chat.OfflineForm
	}
	// A figure the widget can do without: a failure to read it only leaves
	// it out.
	if n, err := s.replies.minutes(c.UserContext(), s.opts.Store, site.Key); err == nil {
		cfg.ReplyMinutes = n
	} else {
		s.log.Warn("read reply times", "site", site.Key, "err", err)
	}
	for _, t := range w.Topics {
		cfg.Topics = append(cfg.Topics, topicView{ID: t.ID, Label: pick(t.Labels, lang, w.DefaultLang)})
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.JSON(cfg)
}

type sessionRequest struct {
	Token      string            `json:"token"`
	User       *chat.Identity    `json:"user"`
	Attributes map[string]string `json:"attributes"`
	// Resume is the token of a link in a reply email (see resume.go).
	Resume string `json:"resume"`
}

// handleSession starts or renews a visitor session: s.visitors decides
// whose it is, and the answer is a token for that visitor.
func (s *Server) handleSession(c *fiber.Ctx) error {
	site := siteOf(c)
	var req sessionRequest
	if len(c.Body()) > 0 {
		if err := parseBody(c, &req); err != nil {
			return err
		}
	}
	if req.Resume != "" {
		return s.resumeSession(c, site, req.Resume)
	}
	in := chat.SessionInput{User: req.User, Attributes: req.Attributes}
	// A token that does not check out is no session: the page gets a new
	// one rather than an error.
	if req.Token != "" {
		if claims, err := s.opts.Issuer.ParseVisitor(req.Token); err == nil {
			in.Previous = &chat.SessionClaim{Site: claims.Site, VisitorID: claims.VisitorID, Verified: claims.Verified}
		}
	}
	now := s.opts.Now().UTC()
	v, err := s.visitors.Session(c.UserContext(), site, in)
	if err != nil {
		return err
	}
	token, exp, err := s.opts.Issuer.VisitorToken(auth.VisitorClaims{Site: site.Key, VisitorID: v.ID, Verified: v.Verified})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"token": token, "visitor_id": v.ID, "verified": v.Verified, "expires_in": int(exp.Sub(now) / time.Second)})
}

type startRequest struct {
	Topic    string `json:"topic"`
	Lang     string `json:"lang"`
	PageURL  string `json:"page_url"`
	Referrer string `json:"referrer"`
}

func (s *Server) handleStartConversation(c *fiber.Ctx) error {
	var req startRequest
	if len(c.Body()) > 0 {
		if err := parseBody(c, &req); err != nil {
			return err
		}
	}
	conv, created, err := s.opts.Service.Start(c.UserContext(), visitorOf(c), chat.StartInput{
		Topic: req.Topic, Lang: req.Lang, PageURL: req.PageURL, Referrer: req.Referrer, UserAgent: strings.Clone(c.Get(fiber.HeaderUserAgent)),
	})
	if err != nil {
		return err
	}
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(fiber.Map{"conversation": viewConversation(conv, nil, true)})
}

func (s *Server) handleVisitorConversations(c *fiber.Ctx) error {
	list, err := s.opts.Service.List(c.UserContext(), visitorOf(c), chat.ConversationFilter{Limit: 20})
	if err != nil {
		return err
	}
	out := make([]conversationView, 0, len(list))
	for i := range list {
		out = append(out, viewConversation(&list[i], nil, true))
	}
	return c.JSON(fiber.Map{"conversations": out})
}

func (s *Server) handleVisitorMessages(c *fiber.Ctx) error {
	return s.sendMessages(c, visitorOf(c))
}

type ratingRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

func (s *Server) handleRating(c *fiber.Ctx) error {
	var req ratingRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	if err := s.opts.Service.Rate(c.UserContext(), visitorOf(c), c.Params("id"), req.Rating, req.Comment); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

type offlineRequest struct {
	Email   string `json:"email"`
	Name    string `json:"name"`
	Text    string `json:"text"`
	Lang    string `json:"lang"`
	PageURL string `json:"page_url"`
}

func (s *Server) handleOffline(c *fiber.Ctx) error {
	var req offlineRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	conv, err := s.opts.Service.LeaveMessage(c.UserContext(), visitorOf(c), chat.OfflineInput{
		Email: req.Email, Name: req.Name, Text: req.Text, Lang: req.Lang, PageURL: req.PageURL,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"conversation": viewConversation(conv, nil, true)})
}

type feedbackRequest struct {
	Category string `json:"category"`
	Text     string `json:"text"`
	Email    string `json:"email"`
	Lang     string `json:"lang"`
	PageURL  string `json:"page_url"`
}

func (s *Server) handleFeedback(c *fiber.Ctx) error {
	var req feedbackRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	f, err := s.visitors.LeaveFeedback(c.UserContext(), visitorOf(c), chat.FeedbackInput{
		Category: req.Category, Text: req.Text, Email: req.Email, Lang: req.Lang, PageURL: req.PageURL,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"feedback": f})
}
