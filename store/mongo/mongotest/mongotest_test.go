package mongotest

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		name, uri, want string
	}{
		{"bare", "mongodb://h:1", "mongodb://h:1/db"},
		{"slash", "mongodb://h:1/", "mongodb://h:1/db"},
		{"query", "mongodb://h:1/?replicaSet=rs0", "mongodb://h:1/db?replicaSet=rs0"},
		{"query without slash", "mongodb://h:1?replicaSet=rs0", "mongodb://h:1/db?replicaSet=rs0"},
		{"several hosts", "mongodb://a:1,b:2/old?replicaSet=rs0", "mongodb://a:1,b:2/db?replicaSet=rs0"},
		{"credentials keep their database", "mongodb://u:p@h/old", "mongodb://u:p@h/db?authSource=old"},
		{"credentials default to admin", "mongodb://u:p@h/?w=majority", "mongodb://u:p@h/db?w=majority&authSource=admin"},
		{"explicit auth source", "mongodb://u:p@h/old?authSource=x", "mongodb://u:p@h/db?authSource=x"},
		{"srv", "mongodb+srv://c.example.net/", "mongodb+srv://c.example.net/db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := withDatabase(tt.uri, "db")
			if err != nil || got != tt.want {
				t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.uri, got, err, tt.want)
			}
		})
	}
	if _, err := withDatabase("h:1", "db"); err == nil {
		t.Error("withDatabase accepted a URI without a scheme")
	}
}

// A database from URI takes writes, and every test gets its own.
func TestURI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, b := URI(t), URI(t)
	if a == b {
		t.Fatalf("two calls returned one database: %s", a)
	}
	for _, uri := range []string{a, b} {
		client, err := mongo.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			t.Fatal(err)
		}
		defer client.Disconnect(ctx)
		db := uri[strings.LastIndex(uri, "/")+1 : strings.IndexByte(uri+"?", '?')]
		coll := client.Database(db).Collection("c")
		if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
			t.Fatalf("%s is not empty: %d, %v", uri, n, err)
		}
		if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
			t.Fatalf("insert into %s: %v", uri, err)
		}
	}
}
