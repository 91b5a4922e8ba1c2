package server

import (
	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

// routes is the one route table.
func (s *Server) routes() {
	app := s.app
	app.Use(s.recoverPanics, s.securityHeaders, s.logRequests, plainBodies)

	app.Get("/healthz", s.handleHealthz)
	app.Get("/readyz", s.handleReadyz)
	app.Get("/metrics", s.handleMetrics)

	app.Get("/widget.js", s.handleLoader)
	app.Get("/w/:name", s.handleAsset)
	app.Get("/chat/:site", s.handleChatPage)
	app.Get("/", s.handleDemo)
	app.Get("/inbox", s.handleInbox)
	app.Get("/inbox/assets/:name", s.handleInboxAsset) // before the catch-all
	app.Get("/inbox/*", s.handleInbox)
	app.Get("/files/:site/:conv/:id", s.handleFile)
	app.Get("/files/:site/:conv/:id/thumb", s.handleFile)

	app.Get("/ws", s.upgrade, websocket.New(s.serveSocket, websocket.Config{
		ReadBufferSize:  4096,
		WriteBufferSize: 4096,
	}))

	api := app.Group("/api/v1")

	// Bodies are bounded per route, before anything decodes them (and are
	// never compressed, see plainBodies): a JSON
	// body of many small keys costs far more memory decoded than raw.
	// Uploads come before the widget's group, whose body limit would
	// refuse them; the agents' before theirs, for the same reason.
	api.Post("/widget/:site/conversations/:id/attachments", s.widgetCORS, limitBody(uploadBodyLimit), s.visitorAuth, s.handleVisitorUpload)
	w := api.Group("/widget/:site", s.widgetCORS, limitBody(widgetBodyLimit))
	w.Get("/config", s.handleWidgetConfig)
	w.Get("/logo", s.handleWidgetLogo)
	w.Post("/session", s.handleSession)
	w.Post("/conversations", s.visitorAuth, s.handleStartConversation)
	w.Get("/conversations", s.visitorAuth, s.handleVisitorConversations)
	w.Get("/conversations/:id/messages", s.visitorAuth, s.handleVisitorMessages)
	w.Post("/conversations/:id/rating", s.visitorAuth, s.handleRating)
	w.Post("/offline", s.visitorAuth, s.handleOffline)
	w.Post("/feedback", s.visitorAuth, s.handleFeedback)
	w.Get("/faq", s.handleWidgetFAQ)
	w.Post("/faq/:id/events", s.visitorAuth, s.handleFAQEvent)

	api.Post("/auth/login", s.sameSiteOnly, limitBody(authBodyLimit), s.handleLogin)
	api.Post("/auth/refresh", s.sameSiteOnly, limitBody(authBodyLimit), s.handleRefresh)
	api.Post("/auth/logout", s.sameSiteOnly, limitBody(authBodyLimit), s.handleLogout)
	api.Post("/invites/:token", limitBody(authBodyLimit), s.handleAcceptInvite)
	// The one large body: a FAQ file, up to the server's BodyLimit.
	api.Post("/faq/import", s.agentAuth, s.handleImportFAQ)
	api.Post("/sites/:key/logo", limitBody(logoBodyLimit), s.agentAuth, s.handleSetLogo)
	api.Post("/conversations/:id/attachments", limitBody(uploadBodyLimit), s.agentAuth, s.handleAgentUpload)

	ag := api.Group("", s.agentAuth, limitBody(agentBodyLimit))
	ag.Get("/me", s.handleMe)
	ag.Get("/agents", s.handleListAgents)
	ag.Post("/agents", s.handleInviteAgent)
	ag.Patch("/agents/:id", s.handlePatchAgent)
	ag.Get("/sites", s.handleListSites)
	ag.Post("/sites", s.handleCreateSite)
	ag.Get("/sites/:key", s.handleGetSite)
	ag.Patch("/sites/:key", s.handlePatchSite)
	ag.Post("/sites/:key/identity-secret", s.handleRotateSecret)
	ag.Post("/me/password", s.handleChangePassword)
	ag.Post("/me/totp", s.handleStartTOTP)
	ag.Post("/me/totp/confirm", s.handleConfirmTOTP)
	ag.Delete("/me/totp", s.handleDeleteTOTP)
	ag.Get("/conversations", s.handleListConversations)
	ag.Get("/conversations/:id", s.handleGetConversation)
	ag.Get("/conversations/:id/messages", s.handleAgentMessages)
	ag.Post("/conversations/:id/messages", s.handleAgentSend)
	ag.Post("/conversations/:id/status", s.handleSetStatus)
	ag.Post("/conversations/:id/assign", s.handleAssign)
	ag.Get("/feedback", s.handleListFeedback)
	ag.Patch("/feedback/:id", s.handlePatchFeedback)
	ag.Get("/faq", s.handleListFAQ)
	ag.Get("/faq/suggest", s.handleAgentSuggest) // before /faq/:id
	ag.Post("/faq", s.handleCreateFAQ)
	ag.Get("/faq/export", s.handleExportFAQ)
	ag.Get("/faq/:id", s.handleGetFAQ)
	ag.Put("/faq/:id", s.handleUpdateFAQ)
	ag.Delete("/faq/:id", s.handleDeleteFAQ)
	ag.Post("/faq/:id/move", s.handleMoveFAQ)
	ag.Get("/canned", s.handleListCanned)
	ag.Post("/canned", s.handleCreateCanned)
	ag.Put("/canned/:id", s.handleUpdateCanned)
	ag.Delete("/canned/:id", s.handleDeleteCanned)
	ag.Get("/reports", s.handleReport)
	// Live visitors, kept in memory by the nodes that hold their sockets.
	ag.Get("/visitors/live", s.handleLiveVisitors)
	ag.Get("/visitors/:id/live", s.handleLiveVisitor)
	ag.Post("/visitors/:id/invite", s.handleInviteVisitor)

	app.Use(func(c *fiber.Ctx) error { return errNotFoundRoute })
}
