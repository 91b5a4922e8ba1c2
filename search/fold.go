package search

import "strings"

// foldPairs lists traditional Chinese characters, each followed by the
// simplified character it folds to. It covers the characters common in
// support questions, not the whole script. A few simplified variants (帐)
// fold to their usual form (账) too. Folding is applied to entries and
// queries alike, so a character folded where it should not be still
// matches itself.
const foldPairs = "" +
	"萬万 與与 專专 業业 東东 絲丝 丟丢 兩两 嚴严 個个 豐丰 臨临 為为 麗丽 舉举 麼么 麽么 義义 樂乐 習习 鄉乡 書书 買买 亂乱 爭争 於于 虧亏 雲云 亞亚 產产 親亲 億亿 僅仅 從从 倉仓 儀仪 們们 價价 眾众 優优 " +
	"夥伙 會会 傘伞 偉伟 傳传 傷伤 倫伦 偽伪 體体 餘余 傭佣 俠侠 偵侦 側侧 僑侨 債债 傾倾 償偿 儲储 兒儿 兌兑 黨党 蘭兰 關关 興兴 養养 獸兽 內内 岡冈 冊册 寫写 軍军 農农 馮冯 衝冲 決决 況况 凍冻 淨净 涼凉 " +
	"減减 湊凑 幾几 鳳凤 憑凭 凱凯 擊击 劃划 劉刘 則则 剛刚 創创 刪删 別别 劑剂 劍剑 劇剧 勸劝 辦办 務务 動动 勵励 勁劲 勞劳 勢势 勳勋 區区 醫医 華华 協协 單单 賣卖 盧卢 衛卫 卻却 廠厂 廳厅 歷历 曆历 厲厉 " +
	"壓压 厭厌 廁厕 廈厦 廚厨 縣县 參参 雙双 發发 髮发 變变 敘叙 疊叠 葉叶 號号 嘆叹 籲吁 後后 嚇吓 呂吕 嗎吗 噸吨 聽听 啟启 啓启 吳吴 員员 嗚呜 詠咏 嚨咙 響响 啞哑 嘩哗 喲哟 嘮唠 喚唤 嘯啸 噴喷 囑嘱 團团 " +
	"園园 圍围 國国 圖图 圓圆 聖圣 場场 壞坏 塊块 堅坚 壇坛 壩坝 墳坟 墜坠 壘垒 墊垫 牆墙 壯壮 聲声 殼壳 壺壶 處处 備备 復复 複复 夠够 頭头 誇夸 夾夹 奪夺 奮奋 獎奖 奧奥 妝妆 婦妇 媽妈 婁娄 嬌娇 娛娱 嬰婴 " +
	"孫孙 學学 寧宁 寶宝 實实 寵宠 審审 憲宪 寬宽 賓宾 寢寝 對对 尋寻 導导 壽寿 將将 爾尔 塵尘 堯尧 盡尽 層层 屬属 屢屡 歲岁 豈岂 島岛 嶺岭 峽峡 鞏巩 幣币 帥帅 師师 帳账 賬账 帐账 簾帘 幟帜 帶带 幫帮 幹干 " +
	"乾干 並并 廣广 莊庄 慶庆 庫库 應应 廟庙 龐庞 廢废 開开 異异 棄弃 張张 彌弥 彎弯 彈弹 強强 歸归 當当 錄录 徹彻 徑径 憶忆 懷怀 態态 憐怜 總总 戀恋 懇恳 惡恶 惱恼 悅悦 懸悬 驚惊 懼惧 慘惨 懲惩 慚惭 慣惯 " +
	"憤愤 願愿 懶懒 戲戏 戰战 戶户 撲扑 執执 擴扩 掃扫 揚扬 擾扰 撫抚 拋抛 搶抢 護护 報报 擔担 擬拟 攏拢 揀拣 擁拥 攔拦 擰拧 撥拨 擇择 掛挂 摯挚 撓挠 擋挡 掙挣 擠挤 揮挥 損损 撿捡 換换 搗捣 據据 擄掳 擲掷 " +
	"攬揽 攜携 攝摄 擺摆 搖摇 攤摊 撐撑 敵敌 斂敛 數数 齋斋 鬥斗 斬斩 斷断 無无 舊旧 時时 曠旷 顯显 晉晋 曬晒 曉晓 暈晕 暉晖 暫暂 術术 樸朴 機机 殺杀 雜杂 權权 條条 來来 楊杨 傑杰 極极 構构 樞枢 棗枣 槍枪 " +
	"標标 棧栈 棟栋 欄栏 樹树 樣样 橋桥 檔档 夢梦 檢检 樓楼 橫横 櫻樱 歡欢 歐欧 殘残 毀毁 畢毕 斃毙 氣气 匯汇 滙汇 彙汇 漢汉 湯汤 溝沟 沒没 淚泪 瀉泻 潑泼 澤泽 潔洁 灑洒 淺浅 漿浆 澆浇 濁浊 測测 濟济 瀏浏 " +
	"渾浑 濃浓 塗涂 湧涌 濤涛 漲涨 澀涩 淵渊 漬渍 漸渐 漁渔 滲渗 溫温 遊游 灣湾 濕湿 潰溃 濺溅 滾滚 滯滞 滿满 濾滤 濫滥 濱滨 灘滩 潛潜 瀕濒 滅灭 燈灯 靈灵 災灾 燦灿 爐炉 點点 煉炼 鍊炼 爛烂 燭烛 煙烟 煩烦 " +
	"燒烧 燙烫 熱热 煥焕 愛爱 爺爷 牽牵 犧牺 狀状 猶犹 狹狭 獅狮 獄狱 獵猎 豬猪 貓猫 獻献 環环 現现 璽玺 瓊琼 電电 畫画 暢畅 療疗 瘋疯 癢痒 癮瘾 盞盏 鹽盐 監监 蓋盖 盜盗 盤盘 睜睁 瞞瞒 矯矫 礦矿 碼码 磚砖 " +
	"礎础 確确 礙碍 禮礼 禍祸 祿禄 禪禅 離离 種种 積积 稱称 稅税 穩稳 窮穷 竊窃 窯窑 竄窜 窩窝 豎竖 競竞 筆笔 籠笼 築筑 篩筛 籌筹 簽签 籤签 簡简 籃篮 籬篱 類类 糧粮 緊紧 糾纠 紅红 約约 級级 紀纪 純纯 紗纱 " +
	"綱纲 納纳 縱纵 紛纷 紙纸 紋纹 紡纺 紐纽 線线 綫线 練练 組组 紳绅 細细 織织 終终 紹绍 經经 綁绑 絨绒 結结 繞绕 繪绘 給给 絡络 絕绝 絞绞 統统 絹绢 繡绣 繼继 績绩 緒绪 續续 綺绮 繩绳 維维 綿绵 綢绸 綜综 " +
	"綻绽 綠绿 綴缀 緬缅 緩缓 締缔 編编 緣缘 縫缝 縮缩 網网 羅罗 罰罚 罷罢 羨羡 翹翘 聳耸 恥耻 聶聂 聾聋 職职 聯联 聰聪 肅肃 腸肠 膚肤 腎肾 腫肿 脹胀 脅胁 膽胆 勝胜 朧胧 膠胶 脈脉 髒脏 臟脏 腦脑 腳脚 脫脱 " +
	"臉脸 臘腊 膩腻 騰腾 艦舰 艙舱 艱艰 豔艳 藝艺 節节 蘆芦 蘇苏 蘋苹 莖茎 薦荐 莢荚 蕩荡 盪荡 榮荣 藥药 蓮莲 獲获 營营 蕭萧 薩萨 蔥葱 蔣蒋 藍蓝 蘊蕴 慮虑 虛虚 蟲虫 雖虽 蝦虾 蝕蚀 蟻蚁 螞蚂 蠶蚕 蠻蛮 蠟蜡 " +
	"蠅蝇 蟬蝉 補补 襯衬 襪袜 襲袭 裝装 褲裤 見见 觀观 規规 覓觅 視视 覽览 覺觉 觸触 譽誉 計计 訂订 認认 譏讥 討讨 讓让 訓训 議议 訊讯 記记 講讲 諱讳 許许 論论 訟讼 諷讽 設设 訪访 訣诀 證证 証证 評评 識识 " +
	"詐诈 訴诉 診诊 詞词 譯译 試试 詩诗 誠诚 話话 誕诞 詮诠 詢询 該该 詳详 語语 誤误 誘诱 說说 請请 諸诸 諾诺 讀读 課课 誰谁 調调 諒谅 談谈 誼谊 謀谋 謊谎 謝谢 謠谣 謙谦 謹谨 謎谜 譜谱 譴谴 諮咨 訛讹 詭诡 " +
	"貝贝 貞贞 負负 貢贡 財财 責责 賢贤 敗败 貨货 質质 販贩 貪贪 貧贫 購购 貯贮 貫贯 貼贴 貴贵 貸贷 貿贸 費费 賀贺 賊贼 賈贾 賄贿 資资 賦赋 賭赌 贖赎 賞赏 賜赐 賠赔 賴赖 賺赚 賽赛 贊赞 讚赞 贈赠 贏赢 趙赵 " +
	"趕赶 趨趋 躍跃 踐践 蹤踪 車车 軌轨 軒轩 轉转 輪轮 軟软 轟轰 軸轴 輕轻 載载 轎轿 較较 輔辅 輛辆 輩辈 輝辉 輯辑 輸输 轄辖 辭辞 辯辩 邊边 遼辽 達达 遷迁 過过 邁迈 運运 還还 這这 進进 遠远 違违 連连 遲迟 " +
	"跡迹 蹟迹 適适 選选 遜逊 遞递 邏逻 遺遗 遙遥 鄧邓 郵邮 鄰邻 鬱郁 鄭郑 醞酝 醬酱 釀酿 釋释 裡里 裏里 鑒鉴 鑑鉴 針针 釘钉 釣钓 鈣钙 鈍钝 鈔钞 鍾钟 鐘钟 鋼钢 鑰钥 欽钦 鈞钧 鉤钩 鈕钮 錢钱 鉗钳 鑽钻 鐵铁 " +
	"鈴铃 鉛铅 銅铜 鋁铝 銘铭 鏟铲 銀银 鑄铸 鋪铺 鏈链 銷销 鎖锁 鋤锄 鍋锅 鏽锈 銹锈 銳锐 錯错 錨锚 錫锡 錦锦 鍵键 鋸锯 鍛锻 鎮镇 鏡镜 長长 門门 閃闪 閉闭 問问 闖闯 閑闲 閒闲 間间 悶闷 閘闸 鬧闹 聞闻 閱阅 " +
	"闊阔 閥阀 閣阁 闆板 隊队 陽阳 陰阴 陣阵 階阶 際际 陸陆 陳陈 險险 隨随 隱隐 難难 雛雏 霧雾 靜静 韋韦 韓韩 韻韵 頁页 頂顶 項项 順顺 須须 頑顽 顧顾 頓顿 頒颁 預预 領领 頗颇 頸颈 頻频 題题 額额 顏颜 顛颠 " +
	"風风 飄飘 飛飞 飯饭 飲饮 飾饰 飽饱 飼饲 餅饼 餓饿 館馆 饋馈 饅馒 馬马 駁驳 駛驶 駐驻 駕驾 驗验 騎骑 騙骗 驅驱 驟骤 驢驴 鬆松 魚鱼 魯鲁 鮮鲜 鯨鲸 鳥鸟 雞鸡 鳴鸣 鴨鸭 鴻鸿 鵝鹅 鷹鹰 麥麦 黃黄 齊齐 齒齿 " +
	"齡龄 龍龙 龜龟 註注 錶表 鬍胡 範范 麵面 製制 週周 係系 繫系 佈布 慾欲 僱雇 迴回 託托 簷檐 稟禀 凜凛 準准 佔占 鎂镁 傢家 嚐尝 嘗尝 隻只 臺台 檯台 颱台 鹹咸 薑姜 瞭了 捨舍 徵征 嶽岳 僕仆 摺折 峯峰 羣群 " +
	"牀床 綵彩 纔才 鉅巨 淒凄 悽凄 祕秘 暱昵 蒐搜 擡抬 擷撷 誌志 憂忧 慫怂 愾忾 輿舆 嚮向 衹只 祇只 閤合 餵喂 覆复 壟垄 饑饥 飢饥 鐲镯 鋒锋 "

// folder maps characters before analysis: traditional Chinese to
// simplified, and full-width ASCII, which Chinese and Japanese input
// methods type (２ＦＡ), to ASCII. bleve's cjk_width filter folds width too,
// but only after its tokenizer has split the full-width text apart.
type folder map[rune]rune

func newFolder() folder {
	f := make(folder)
	for r := rune(0xFF01); r <= 0xFF5E; r++ {
		f[r] = r - 0xFEE0
	}
	f['\u3000'] = ' ' // ideographic space
	for _, pair := range strings.Fields(foldPairs) {
		r := []rune(pair)
		f[r[0]] = r[1]
	}
	return f
}

// contractions writes English n't as visitors often type it, without the
// apostrophe: can't and cant, don't and dont are one word. (With it,
// "can't" is a stop word and the query keeps nothing of it.)
var contractions = strings.NewReplacer("n't", "nt", "n’t", "nt", "N'T", "NT", "N’T", "NT")

// fold returns s with every known character replaced, and English n't
// contractions written without their apostrophe.
func (f folder) fold(s string) string {
	if strings.Contains(s, "'") || strings.Contains(s, "’") {
		s = contractions.Replace(s)
	}
	mapped := false
	for _, r := range s {
		if _, ok := f[r]; ok {
			mapped = true
			break
		}
	}
	if !mapped {
		return s
	}
	return strings.Map(func(r rune) rune {
		if t, ok := f[r]; ok {
			return t
		}
		return r
	}, s)
}
