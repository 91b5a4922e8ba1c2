// Package corpus makes a synthetic, repeatable support-chat corpus for
// benchmarks of conversation search: messages in Chinese and English as
// visitors and agents write them, with order numbers, and visitor names.
// Nothing in kefu's binary uses it.
package corpus

import (
	"fmt"
	"math/rand/v2"
)

var zh = []string{
	"你好，我的充值还没有到账", "请问退款多久能到", "订单一直显示待发货", "我想修改收货地址",
	"登录不了，提示密码错误", "优惠券怎么用不了", "发票可以开吗", "快递到哪里了",
	"好的，谢谢", "您好，请提供一下订单号", "已经为您处理，请稍等", "充值通常五分钟内到账",
	"退款会原路返回，三到五个工作日", "账户被冻结了怎么办", "可以换货吗", "商品有质量问题",
	"会员怎么续费", "我要投诉", "客服在吗", "已经帮您催促仓库发货",
}

var en = []string{
	"Hi, my deposit has not arrived yet", "How long does a refund take?", "I was charged twice",
	"Where is my parcel?", "I cannot log in to my account", "The coupon code does not work",
	"Can I change the shipping address?", "Thanks, that solved it", "Please send your order number",
	"We refunded the payment today", "Your account is verified now", "The item arrived damaged",
	"I want to cancel my subscription", "Is anyone there?", "We are checking with the warehouse",
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
var given = []rune("芳伟娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚")

// Name returns the name of visitor i: a Chinese name for most, an English
// one for some, none for a third (anonymous).
func Name(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	switch i % 6 {
	case 0, 1:
		return ""
	case 2:
		return []string{"Ann Lee", "Bob Smith", "Carla Diaz", "Dev Patel", "Eve Moreau"}[r.IntN(5)]
	}
	return string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))])
}

// Message returns the text of message seq of conversation conv: mostly
// stock phrases in the conversation's language, and now and then an
// order number that only this conversation has.
func Message(conv, seq int) string {
	r := rand.New(rand.NewPCG(uint64(conv), uint64(seq)))
	text := zh[r.IntN(len(zh))]
	if conv%4 == 3 {
		text = en[r.IntN(len(en))]
	}
	if seq == 2 {
		text += fmt.Sprintf(" %d", 100000000+conv)
	}
	return text
}

// OrderNumber is the order number that conversation conv mentions.
func OrderNumber(conv int) string { return fmt.Sprint(100000000 + conv) }
