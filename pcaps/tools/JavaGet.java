// JavaGet URL - fetch URL with Java's own TLS (JSSE, HttpsURLConnection),
// print "HTTP <code>" or "ERR <exception>". make-captures.sh runs it with
// -Djavax.net.ssl.trustStore (rootCA) and -Djdk.net.hosts.file (the name to
// 127.0.0.1): a client that pads its TLS 1.3 records.
import java.io.InputStream;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

public class JavaGet {
	public static void main(String[] args) throws Exception {
		try {
			HttpsURLConnection c =
			    (HttpsURLConnection) new URL(args[0]).openConnection();
			c.setConnectTimeout(3000);
			c.setReadTimeout(3000);
			InputStream in = c.getInputStream();
			System.out.println("HTTP " + c.getResponseCode());
			in.close();
		} catch (Exception e) {
			System.out.println("ERR " + e);
		}
	}
}
